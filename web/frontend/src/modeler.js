// The analysts' modeler page (/analyst/modeler): bpmn-js and dmn-js with Koridor's properties panel.
import BpmnModeler from "bpmn-js/lib/Modeler";
import DmnModeler from "dmn-js/lib/Modeler";
import spiffworkflow from "./spiffworkflow.json";
import { startPage } from "./page.js";

window.KoridorModeler = { BpmnModeler, DmnModeler, moddleExtensions: { spiffworkflow } };
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("modeler-page");
  if (root) startPage(root, window.KoridorModeler);
});
