"""Browser sessions kept in the database (services/sessions.py): the cookie carries only a random id,
so signing out, or disabling the account, ends the session even for a copied cookie."""
from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SessionInterface

from services import sessions


class ServerSession(SecureCookieSession):
    """Session values with the id they were loaded under (None: no row yet)."""

    def __init__(self, initial: dict | None = None, sid: str | None = None):
        super().__init__(initial or {})
        self.sid = sid


class DatabaseSessionInterface(SessionInterface):
    session_class = ServerSession

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if not sid or len(sid) > 100:
            return ServerSession()
        data = sessions.load_web(app.extensions["koridor"], sid)
        return ServerSession(data, sid) if data is not None else ServerSession()

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:  # type: ignore[override]
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.accessed:
            response.vary.add("Cookie")
        if not session:
            if session.sid is not None:
                sessions.end_web(app.extensions["koridor"], session.sid)
            if session.modified or session.sid is not None:
                response.delete_cookie(name, domain=domain, path=path, secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        if not session.modified:
            return
        sid = sessions.save_web(app.extensions["koridor"], session.sid, dict(session))
        response.set_cookie(name, sid, expires=self.get_expiration_time(app, session), httponly=self.get_cookie_httponly(app),
                            domain=domain, path=path, secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))
