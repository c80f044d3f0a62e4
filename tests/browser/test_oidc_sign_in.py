"""Sign-in through a real OpenID provider in chromium: the login page with the provider buttons, the
provider's form, the investor's first sign-in and the registration request it leads to, sign-out
at the provider; a staff login the mapping does not know gets a clear page. Screenshots:
docs/screenshots/login-providers.png and first-sign-in.png (copies from artifacts/screenshots)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.models import Registration, User
from tests.browser.conftest import screenshot
from tests.oidc_support import COMPANY, INN, OGRN


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _at_provider(page, account: str) -> None:
    page.get_by_label("Account").fill(account)
    page.get_by_role("button", name="Sign in at the provider").click()


@pytest.mark.parametrize("koridor", [{"providers": ("test", "agency")}], indirect=True)
def test_investor_signs_in_through_the_provider_registers_and_signs_out(page, oidc_harness, koridor):
    base = oidc_harness.base
    page.goto(f"{base}/login")
    screenshot(page, "login-providers")
    page.get_by_role("link", name="Войти через Госуслуги (тест)").click()
    _at_provider(page, "ivanov")
    page.wait_for_url(f"{base}/login/oidc/welcome")
    assert page.get_by_label("ИНН").input_value() == INN and page.get_by_label("ОГРН или ОГРНИП").input_value() == OGRN
    assert page.get_by_label("Полное наименование организации").input_value() == COMPANY
    screenshot(page, "first-sign-in")
    page.get_by_label("Телефон").fill("+7 812 555-01-02")
    page.get_by_role("button", name="Создать учётную запись").click()
    page.wait_for_url(f"{base}/cabinet/registration")
    assert page.get_by_label("ИНН").input_value() == INN  # the request starts from what the account knows
    assert page.get_by_label("ОГРН или ОГРНИП").input_value() == OGRN
    assert page.get_by_label("Контактное лицо").input_value() == "Иванов Пётр Сергеевич"
    page.get_by_label("Юридический адрес").fill("188300, Гатчина, ул. Соборная, 1")
    page.get_by_label("Электронная почта").fill("ivanov@example.org")
    page.get_by_role("button", name="Подать заявку").click()
    page.wait_for_url(f"{base}/cabinet")
    assert "Заявка на регистрацию подана" in page.content()
    with koridor.extensions["koridor"].db.unit_of_work() as uow:
        assert uow.session.scalar(select(User.phone).where(User.login == "test.ivanov")) == "+7 812 555-01-02"
        assert uow.session.scalar(select(Registration.status).where(
            Registration.investor_login == "test.ivanov")) == "on_confirmation"
    page.get_by_role("button", name="Выйти").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's own sign-out page
    page.wait_for_url(f"{base}/login*")
    page.goto(f"{base}/cabinet")
    assert page.url.startswith(f"{base}/login")


@pytest.mark.parametrize("koridor", [{"providers": ("test", "agency")}], indirect=True)
def test_an_unknown_staff_login_gets_a_clear_page_and_no_account(page, oidc_harness, koridor):
    page.goto(f"{oidc_harness.base}/login")
    page.get_by_role("link", name="Войти через каталог агентства (тест)").click()
    _at_provider(page, "stranger")
    assert page.get_by_role("heading", name="Вход не выполнен").is_visible()
    assert "«stranger» не зарегистрирован в Коридоре" in page.get_by_role("alert").inner_text()
    with koridor.extensions["koridor"].db.unit_of_work() as uow:
        assert uow.session.scalar(select(User).where(User.login == "stranger")) is None
