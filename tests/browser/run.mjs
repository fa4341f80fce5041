// Browser tests of `nuage serve --dev` in headless Chromium (Debian's), driven by playwright-core.
//
//   node tests/browser/run.mjs http://127.0.0.1:PORT/ [R9_DOSSIER [OFF_CLOUD_DOSSIER [OFFICE_SUITE_DOSSIER]]]
//
// Started by crates/cli/tests/browser.rs, which starts the server. Each role works in its own
// browser context (its own cookies). Every page visited gets an axe-core audit: no serious or
// critical violation. NUAGE_SCREENSHOTS=DIR saves full-page screenshots of the main pages.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const base = process.argv[2];
const dossier = process.argv[3];
const offPremise = process.argv[4];
const officeSuite = process.argv[5];
const majorOffCloud = process.argv[6];
// `2021`: a server whose day falls under the 2021 circular (the minister decides alone).
const scenario = process.env.NUAGE_SCENARIO || "main";
const maildir = process.env.NUAGE_MAILDIR;
if (!base) {
  console.error("usage: run.mjs BASE_URL [R9_DOSSIER [OFF_CLOUD_DOSSIER [OFFICE_SUITE_DOSSIER]]]");
  process.exit(2);
}
const shots = process.env.NUAGE_SCREENSHOTS;
if (shots) fs.mkdirSync(shots, { recursive: true });
const axeSource = fs.readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

const failures = [];
function check(condition, message) {
  if (condition) {
    console.log(`ok   ${message}`);
  } else {
    console.log(`FAIL ${message}`);
    failures.push(message);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

// The e-mails the local SMTP server received (crates/cli/tests/browser.rs writes them here).
function decodeQP(text) {
  const bytes = text.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
function readMails() {
  if (!maildir) return [];
  return fs
    .readdirSync(maildir)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => {
      const raw = fs.readFileSync(path.join(maildir, f), "utf8");
      const to = (raw.match(/^X-Envelope-To: (.*)$/m) || [])[1] || "";
      const [head, ...rest] = raw.split("\r\n\r\n");
      const body = rest.join("\r\n\r\n");
      return { to, text: /quoted-printable/i.test(head) ? decodeQP(body) : body };
    });
}
async function mailsTo(address, count) {
  for (let i = 0; i < 100; i++) {
    const found = readMails().filter((m) => m.to.includes(address));
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return readMails().filter((m) => m.to.includes(address));
}
// Whether `address` received, within 10 s, an e-mail whose text holds every one of `parts`.
async function mailed(address, ...parts) {
  for (let i = 0; i < 100; i++) {
    if (readMails().some((m) => m.to.includes(address) && parts.every((p) => m.text.includes(p)))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
const CONTROLLER_MAIL = "local@dev.nuage.invalid";
const DINUM_MAIL = "dinum@dev.nuage.invalid";
const MEMBER_MAIL = "membre@dev.nuage.invalid";

const audited = new Set();
const staticChecked = new Map();
async function axeAt(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe on ${name}: ${bad.length ? JSON.stringify(bad) : "no serious or critical violation"}`);
}
// Each page: axe at the desktop width and on a phone (375 px), and every static file it names
// answers 200.
async function audit(page, name) {
  const desktop = page.viewportSize();
  await axeAt(page, name);
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await axeAt(page, `${name} (375 px)`);
  if (shots) await page.screenshot({ path: path.join(shots, `${name}-375.png`), fullPage: true });
  await page.setViewportSize(desktop);
  const urls = await page.evaluate(() =>
    [...document.querySelectorAll("link[href], script[src], img[src]")]
      .map((e) => e.href || e.src)
      .filter((u) => new URL(u).pathname.startsWith("/static/")),
  );
  for (const url of urls) {
    if (!staticChecked.has(url)) {
      const r = await page.request.get(url);
      staticChecked.set(url, r.status());
      check(r.status() === 200, `${new URL(url).pathname} (named by ${name}) answers ${r.status()}`);
    }
  }
  audited.add(name);
}

async function as(who) {
  const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => check(false, `no script error on ${page.url()}: ${e.message}`));
  await page.goto(new URL("connexion", base).href);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/connexion")), page.click(`#dev-${who}`)]);
  return page;
}

const verdictOf = (page) => page.getAttribute("#verdict-value", "data-verdict");

// A dossier file imported by the member and saved as a project; its page's URL.
async function importProject(member, file) {
  await member.goto(base);
  await member.setInputFiles("#dossier-file", file);
  await Promise.all([member.waitForURL(/\/questionnaire\/import$/), member.click('form[action="/questionnaire/import"] button')]);
  const draft = await member.getAttribute("#questionnaire", "action");
  await member.goto(new URL(draft.replace(/\/entite$/, "/verdict"), base).href);
  await Promise.all([member.waitForURL(/\/projets\/\d+$/), member.click("#creer-projet")]);
  return member.url();
}

// A derogation of `kind` requested from a project's page; the derogation's URL.
async function requestDerogation(member, kind, justification) {
  await member.selectOption("#kind", kind);
  await member.fill("#justification", justification);
  await Promise.all([member.waitForURL(/\/derogations\/\d+(\?.*)?$/), member.click("#demander-derogation")]);
  return member.url().replace(/\?.*$/, "");
}

// Under the 2021 circular (a server whose day is 1 March 2022): R9's transitional derogation
// is the minister's alone, with no Prime Minister's step.
async function edition2021() {
  const member = await as("membre");
  const project = await importProject(member, dossier);
  check((await member.textContent("#verdict-full")).includes("6282"), "the 2022 verdict cites the 2021 circular");
  const derogation = await requestDerogation(member, "r9_transitional", "Migration vers une offre qualifiée engagée avant la circulaire.");
  check((await member.textContent("#etapier")).includes("Étape 2 sur 2"), "2021: two steps, the request and the minister's decision");
  check((await member.textContent("#qui-agit")).includes("enregistrer l'accord du ministre, par le contrôleur ministériel"), "the controller records the minister's decision next");
  await audit(member, "derogation-2021");
  const dinum = await as("dinum");
  await dinum.goto(derogation);
  check((await dinum.$("#action-validate_for_prime_minister")) === null, "no Prime Minister's validation under the 2021 circular");
  const controller = await as("local");
  await controller.goto(derogation);
  await Promise.all([controller.waitForNavigation(), controller.click("#action-approve_for_minister")]);
  check((await controller.getAttribute("#etat", "data-state")) === "active", "the minister's approval alone puts the derogation in force");
  await member.goto(project);
  check(/couvert par une dérogation jusqu'au/.test(await member.textContent("#verdict-couverture")), "the project reads covered until its deadline");
}

try {
  if (scenario === "2021") {
    await edition2021();
  } else {
  // ── A member fills the questionnaire from nothing to a verdict ────────────────────────────
  const member = await as("membre");
  check((await member.textContent("#utilisateur")).includes("Camille"), "the member is logged in");
  await audit(member, "accueil");
  await Promise.all([member.waitForURL(/\/questionnaire\/[0-9a-f]{32}\/entite$/), member.click("#commencer")]);
  const draft = member.url().replace(/\/entite$/, "");
  check((await member.$("#verdict-waiting")) !== null && (await member.$("#verdict-scope")) === null, "nothing is decided before the first answer");
  await member.fill("#q-project-name", "Portail des aides");
  await member.fill("#q-project-entity", "Ministère de démonstration, DNUM");
  await member.check('input[name="project.entity_kind"][value="central_administration"]', { force: true });
  await audit(member, "questionnaire-entite");
  await Promise.all([member.waitForURL(/\/projet$/), member.click("#suivant")]);
  await member.check('input[name="project.nature"][value="new"]', { force: true });
  await member.fill("#q-project-full_cost_eur", "2 500 000");
  await audit(member, "questionnaire-projet");
  check((await member.$("#q-project-evolution_share")) === null, "the evolution share is not asked of a new project");
  await Promise.all([member.waitForURL(/\/hebergement$/), member.click("#suivant")]);
  await member.check('input[name="hosting.approach"][value="cloud"]', { force: true });
  // The script saves each change and brings the questions the answer calls for.
  await member.waitForSelector("#q-hosting-environments-production-offer");
  await member.selectOption("#q-hosting-environments-production-offer", "aws");
  await member.waitForSelector("#q-hosting-environments-production-region option[value='eu-west-3']", { state: "attached" });
  check(
    (await member.$$eval("#q-hosting-environments-production-offer optgroup", (g) => g.map((x) => x.label))).length >= 4,
    "the offers are grouped (internal clouds, qualified, not qualified, SaaS…)",
  );
  await member.selectOption("#q-hosting-environments-production-region", "eu-west-3");
  await member.waitForSelector('input[name="hosting.environments.production.zones"][value="eu-west-3b"]');
  await member.check('input[name="hosting.environments.production.zones"][value="eu-west-3a"]', { force: true });
  await member.check('input[name="hosting.environments.production.zones"][value="eu-west-3b"]', { force: true });
  check((await member.$("#environnements-rares[open]")) === null, "rare environments wait behind « ajouter un environnement »");
  await member.waitForTimeout(400);
  await audit(member, "questionnaire-hebergement");
  await Promise.all([member.waitForURL(/\/donnees$/), member.click("#suivant")]);
  await member.fill("#q-data-0-name", "Dossiers des usagers");
  await member.check("#q-data-0-personal", { force: true });
  await member.check("#q-data-0-citizens", { force: true });
  await member.check('input[name="data.0.legal_secrets"][value="private_life"]', { force: true });
  await member.waitForSelector('input[name="data.0.breach_impacts"][value="public_security"]');
  await member.check('input[name="data.0.breach_impacts"][value="public_security"]', { force: true });
  await member.waitForFunction(() => document.querySelector("#verdict-sensitive")?.textContent.trim() === "oui");
  await audit(member, "questionnaire-donnees");
  check(true, "the live verdict says the data are particularly sensitive");
  await Promise.all([member.waitForURL(/\/garanties$/), member.click("#suivant")]);
  for (const field of ["reversibility_plan", "reversibility_funded", "compromise_detection"]) {
    await member.check(`input[name="safeguards.${field}"][value="yes"]`, { force: true });
  }
  await member.waitForTimeout(400);
  await audit(member, "questionnaire-garanties");
  await Promise.all([member.waitForURL(/\/verdict$/), member.click("#suivant")]);
  check((await verdictOf(member)) === "non_compliant", "sensitive data on a non-qualified offer: non compliant");
  check((await member.textContent("#verdict-full")).includes("R9"), "the verdict cites R9");
  await audit(member, "verdict");

  // ── Change an answer and see the verdict change ─────────────────────────────────────────
  await member.goto(`${draft}/hebergement`);
  check((await member.inputValue("#q-hosting-environments-production-region")) === "eu-west-3", "the region chosen is kept");
  await member.selectOption("#q-hosting-environments-production-offer", "outscale-iaas");
  check((await member.inputValue("#q-hosting-environments-production-region")) === "", "changing the offer resets the region at once");
  const regions = await member.$$eval("#q-hosting-environments-production-region option", (o) => o.map((x) => x.value));
  check(regions.includes("cloudgouv-eu-west-1") && !regions.includes("eu-west-3"), `the regions are the new offer's (${regions.join(" ")})`);
  check((await member.$$('input[name="hosting.environments.production.zones"]:checked')).length === 0, "changing the offer clears the zones");
  await member.waitForFunction(() => document.querySelector("#save-status")?.textContent.trim() !== "", null, { timeout: 15000 });
  await member.reload();
  check((await member.inputValue("#q-hosting-environments-production-region")) === "", "the old region is not saved with the new offer");
  await member.selectOption("#q-hosting-environments-production-region", "cloudgouv-eu-west-1");
  await member.waitForSelector('input[name="hosting.environments.production.zones"][value="cloudgouv-eu-west-1b"]');
  await member.check('input[name="hosting.environments.production.zones"][value="cloudgouv-eu-west-1a"]', { force: true });
  await member.check('input[name="hosting.environments.production.zones"][value="cloudgouv-eu-west-1b"]', { force: true });
  await member.waitForFunction(() => document.querySelector("#verdict-value")?.dataset.verdict !== "non_compliant", null, { timeout: 10000 });
  check(true, "the live verdict changes when the offer becomes a qualified one");
  await member.goto(`${draft}/verdict`);
  const changed = await verdictOf(member);
  check(changed !== "non_compliant", `after the change the verdict is ${changed}`);
  await Promise.all([member.waitForURL(/\/projets\/\d+$/), member.click("#creer-projet")]);
  check((await member.textContent("h1")).includes("Portail des aides"), "the project is saved in the registry");
  const first = member.url();
  check((await member.textContent("#verdict-full")).includes("R9 — données d'une sensibilité particulière"), "each rule is shown with its short title");
  check(!(await member.textContent("main")).match(/engaged_on|breach_impacts|lock_in_services/), "no dossier field name in the page");
  check(/\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/.test(await member.textContent("#verdict-full")), "dates are written the French way");

  // ── Saving the draft again adds nothing; editing the project makes a second version ─────
  await member.goto(`${draft}/verdict`);
  check((await member.textContent("#enregistrer + p")).includes("Portail des aides"), "the draft's verdict page names its project");
  await Promise.all([member.waitForURL(/\/projets\/\d+$/), member.click("#creer-projet")]);
  check(member.url() === first, "saving the draft twice keeps one project");
  await member.goto(new URL("projets", base).href);
  check((await member.$$eval("main a", (a) => a.filter((x) => x.textContent.includes("Portail des aides")).length)) === 1, "the list holds the project once");
  await member.goto(first);
  await Promise.all([member.waitForURL(/\/modifier$/), member.click("#modifier-projet")]);
  check((await member.textContent(".fr-alert--info")).includes("Portail des aides"), "editing opens the project's dossier as a draft");
  const edit = new URL((await member.getAttribute("#questionnaire", "action")).replace(/\/entite$/, ""), base).href;
  await member.goto(`${edit}/projet`);
  await member.fill("#q-project-full_cost_eur", "12 000 000");
  await member.waitForTimeout(600);
  await member.goto(`${edit}/verdict`);
  await Promise.all([member.waitForURL(/\/projets\/\d+$/), member.click("#creer-projet")]);
  check(member.url() === first, "the edited dossier goes to the same project");
  check((await member.textContent("main")).includes("version du dossier 2"), "the project now has a second dossier version");
  await member.goto(base);
  const drafts = await member.$$("#brouillons li");
  check(drafts.length >= 2 && (await member.textContent("#brouillons")).includes("Modifié le"), "drafts list their date and state");
  await audit(member, "accueil-brouillons");
  const before = drafts.length;
  await Promise.all([member.waitForURL(/brouillon=supprime/), member.click(`#brouillons li[data-draft="${edit.split("/").pop()}"] button`)]);
  check((await member.$$("#brouillons li")).length === before - 1, "a draft can be deleted");

  // ── A derogation from request to the Prime Minister's validation ────────────────────────
  await member.goto(base);
  await member.setInputFiles("#dossier-file", dossier);
  await Promise.all([member.waitForURL(/\/questionnaire\/import$/), member.click('form[action="/questionnaire/import"] button')]);
  check((await member.textContent(".fr-alert--info")).includes("importé"), "the dossier file is imported into a draft");
  const imported = await member.getAttribute("#questionnaire", "action");
  await member.goto(new URL(imported.replace(/\/entite$/, "/verdict"), base).href);
  await Promise.all([member.waitForURL(/\/projets\/\d+$/), member.click("#creer-projet")]);
  const project = member.url();
  await audit(member, "projet");
  await member.selectOption("#kind", "r9_transitional");
  await member.fill("#justification", "Migration vers une offre qualifiée engagée ; bascule prévue avant l'échéance.");
  await member.fill("#documents", "plan-de-migration.pdf");
  await Promise.all([member.waitForURL(/\/derogations\/\d+(\?.*)?$/), member.click("#demander-derogation")]);
  const derogation = member.url().replace(/\?.*$/, "");
  check((await member.getAttribute("#etat", "data-state")) === "submitted", "the member's request is submitted");
  check((await member.$("#action-approve_for_minister")) === null, "a member cannot approve");
  check((await member.textContent("#confirmation")).includes("La demande est envoyée."), "a confirmation says the request is sent");
  check((await member.textContent("#qui-agit")).includes("Prochaine action : enregistrer l'accord du ministre, par le contrôleur ministériel."), "the page says who acts next");
  check((await member.textContent("#etapier")).includes("Étape 2 sur 3"), "the stepper counts the 2023 path: request, minister, Prime Minister");
  let mails = await mailsTo(CONTROLLER_MAIL, 1);
  check(mails.length === 1 && mails[0].text.includes("Prochaine action : enregistrer l'accord du ministre"), `the controller is e-mailed that the minister's approval waits (${mails.length})`);
  // A PDF attached, and what is not a PDF refused.
  await member.setInputFiles("#piece", { name: "plan-de-migration.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n") });
  await Promise.all([member.waitForNavigation(), member.click("#joindre")]);
  check((await member.textContent("#pieces")).includes("sha256:"), "the attached PDF is listed with its SHA-256");
  check((await member.textContent("#confirmation")).includes("pièce est jointe"), "a confirmation says the document is attached");
  await member.setInputFiles("#piece", { name: "faux.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ not a pdf") });
  const [refused] = await Promise.all([member.waitForNavigation(), member.click("#joindre")]);
  check(refused.status() === 422, "a file that is not a PDF is refused");
  await member.goto(derogation);
  await audit(member, "derogation-equipe");

  const controller = await as("local");
  await controller.goto(new URL("a-traiter", base).href);
  check((await controller.$(`#a-vous tr[data-derogation="${derogation.split("/").pop()}"]`)) !== null, "the controller finds the request on their own page");
  await audit(controller, "a-traiter-controleur");
  await controller.goto(derogation);
  await audit(controller, "derogation");
  await Promise.all([controller.waitForNavigation(), controller.click("#action-approve_for_minister")]);
  check((await controller.getAttribute("#etat", "data-state")) === "approved_by_minister", "the controller records the minister's approval");
  check((await controller.textContent("#confirmation")).includes("L'accord du ministre est enregistré."), "a confirmation says the approval is recorded");
  check((await controller.textContent("#qui-agit")).includes("validation du Premier ministre, par la DINUM."), "the page says DINUM acts next");
  mails = await mailsTo(DINUM_MAIL, 1);
  check(mails.length === 1 && mails[0].text.includes("validation du Premier ministre, par la DINUM"), `DINUM is e-mailed that the validation waits (${mails.length})`);

  const dinum = await as("dinum");
  await dinum.goto(new URL("a-traiter", base).href);
  check((await dinum.$(`#a-vous tr[data-derogation="${derogation.split("/").pop()}"]`)) !== null, "DINUM finds the validation on its own page");
  await audit(dinum, "a-traiter-dinum");
  await dinum.goto(derogation);
  await Promise.all([dinum.waitForNavigation(), dinum.click("#action-validate_for_prime_minister")]);
  check((await dinum.getAttribute("#etat", "data-state")) === "active", "DINUM records the Prime Minister's validation, which grants the derogation");
  check((await dinum.textContent("#confirmation")).includes("en vigueur jusqu'au 17 juin 2027 (J-381)"), "the confirmation says until when the derogation runs");

  // The project reads covered until the deadline; the team's page lists the deadline.
  await member.goto(project);
  check((await member.getAttribute("#verdict-value", "data-verdict")) === "non_compliant", "a covered project is still non compliant");
  const covered = await member.textContent("#verdict-couverture");
  check(/^Non conforme — (en partie )?couvert par une dérogation jusqu'au 17 juin 2027 \(J-381\)/.test(covered), `the verdict says it is covered until the deadline: ${covered}`);
  check((await member.textContent("#verdict-full")).includes("Avant cette date :"), "the covered finding's remedy says what to do before the deadline");
  await audit(member, "projet-couvert");
  // The registry seals the assessment: a tar archive whose first file is the manifest.
  const sealed = await member.request.get(await member.$eval("#preuve", (a) => a.href));
  const tar = await sealed.body();
  check(sealed.headers()["content-type"] === "application/x-tar" && tar.subarray(0, 8).toString() === "MANIFEST" && tar.subarray(257, 262).toString() === "ustar", "the project page gives the sealed evidence as a tar archive");
  await member.goto(new URL("a-traiter", base).href);
  check((await member.$(`#echeances tr[data-derogation="${derogation.split("/").pop()}"]`)) !== null, "the team's page lists the derogation's deadline");
  await audit(member, "a-traiter-equipe");
  // A deadline brought within 30 days: the team and the controller are warned, once.
  await controller.goto(derogation);
  await controller.fill("#deadline", "2026-06-20");
  await Promise.all([controller.waitForNavigation(), controller.click("#confirmer-echeance")]);
  check((await controller.textContent("#confirmation")).includes("L'échéance est confirmée."), "a confirmation says the deadline is confirmed");
  mails = await mailsTo(MEMBER_MAIL, 1);
  check(mails.length === 1 && mails[0].text.includes("prend fin le 20 juin 2026 (J-19)"), `the team is e-mailed 30 days before the deadline (${mails.length})`);
  check((await mailsTo(CONTROLLER_MAIL, 2)).some((m) => m.text.includes("prend fin le 20 juin 2026")), "the controller is e-mailed too");
  check((await dinum.$("#action-activate")) === null, "no step beyond those the texts give");
  check((await dinum.$$("#etapes tbody tr")).length === 4, "every step is in the derogation's history");
  check((await dinum.$$("#parcours li[data-step=done]")).length === 3, "the tracker shows the request and both decisions done");
  await dinum.goto(`${derogation}/demande`);
  await audit(dinum, "demande-derogation");
  const requestPdf = await dinum.request.get(await dinum.$eval("#pdf", (a) => a.href));
  check(requestPdf.headers()["content-type"] === "application/pdf" && (await requestPdf.body()).subarray(0, 5).toString() === "%PDF-", "the derogation request comes as a PDF");

  await member.goto(project);
  check((await member.textContent("#historique + div")).includes("En vigueur"), "the project's history shows the derogation's steps");

  // ── A derogation from R6 (hosting outside the cloud, R7), 1 to 9 M€: the ministry controls ──
  if (offPremise) {
    const projectR7 = await importProject(member, offPremise);
    const r7 = await requestDerogation(member, "r7_no_cloud", "Archives hébergées dans le centre de données du ministère ; étude comparative jointe.");
    check((await member.textContent("#etapier")).includes("Étape 2 sur 2"), "R7 from 1 to 9 M€: two steps, the request and the ministry's control");
    check((await member.textContent("#qui-agit")).includes("enregistrer le contrôle du ministère, par le contrôleur ministériel"), "the ministry's controller acts next on R7");
    mails = await mailsTo(CONTROLLER_MAIL, 3);
    check(mails.some((m) => m.text.includes("enregistrer le contrôle du ministère")), "the controller is e-mailed that the ministry's control waits");
    await controller.goto(r7);
    check((await controller.$("#action-approve_for_minister")) === null, "no minister's approval on R7");
    await Promise.all([controller.waitForNavigation(), controller.click("#action-control_for_ministry")]);
    check((await controller.getAttribute("#etat", "data-state")) === "active", "the ministry's control grants the R7 derogation");
    check((await controller.textContent("#confirmation")).includes("Le contrôle du ministère est enregistré."), "a confirmation says the control is recorded");
    await member.goto(projectR7);
    const coveredR7 = (await member.$("#verdict-couverture")) && (await member.textContent("#verdict-couverture"));
    check(!coveredR7 || coveredR7.includes("sans échéance"), `an R7 derogation covers without deadline: ${coveredR7}`);
  }
  // ── R7 above 9 M€: the major-project review (DINUM) decides, not the ministry ──
  if (majorOffCloud) {
    await importProject(member, majorOffCloud);
    const big = await requestDerogation(member, "r7_no_cloud", "Plateforme nationale hébergée dans le centre de données du ministère ; étude comparative jointe.");
    check((await member.textContent("#etapier")).includes("Étape 2 sur 2"), "R7 above 9 M€: two steps, the request and the major-project review");
    check((await member.textContent("#qui-agit")).includes("par la DINUM"), `DINUM acts next on R7 above 9 M€: ${await member.textContent("#qui-agit")}`);
    check(await mailed(DINUM_MAIL, "Plateforme nationale des archives", "contrôle des grands projets"), "DINUM is e-mailed that the major-project review waits");
    await controller.goto(big);
    check((await controller.$("#action-control_for_ministry")) === null, "above 9 M€ the ministry's control alone is not the step");
    await dinum.goto(big);
    await Promise.all([dinum.waitForNavigation(), dinum.click("#action-review_as_major_project")]);
    check((await dinum.getAttribute("#etat", "data-state")) === "active", "the major-project review grants the R7 derogation above 9 M€");
  }

  // ── The office suite's derogation (DINUM's note on e-mail and personal drives): the
  // minister's decision, then the Prime Minister's validation, as the edition in force says ──
  if (officeSuite) {
    await importProject(member, officeSuite);
    const kinds = await member.$$eval("#kind option", (o) => o.map((x) => x.value));
    check(kinds.includes("office_suite"), `the office suite opens its own derogation (${kinds.join(" ")})`);
    const office = await requestDerogation(member, "office_suite", "Messagerie et espace de stockage des agents : migration très avancée au 5 juillet 2021.");
    check((await member.textContent("#etapier")).includes("Étape 2 sur 3"), "the office suite's path: the request, the minister, the Prime Minister");
    check(await mailed(CONTROLLER_MAIL, "Migration de la messagerie", "accord du ministre"), "the controller is e-mailed that the minister's decision on the office suite waits");
    await controller.goto(office);
    await Promise.all([controller.waitForNavigation(), controller.click("#action-approve_for_minister")]);
    check((await controller.getAttribute("#etat", "data-state")) === "approved_by_minister", "the controller records the minister's decision on the office suite");
    check(await mailed(DINUM_MAIL, "Migration de la messagerie", "validation du Premier ministre"), "DINUM is e-mailed that the Prime Minister's validation of the office suite waits");
    await dinum.goto(office);
    await Promise.all([dinum.waitForNavigation(), dinum.click("#action-validate_for_prime_minister")]);
    check((await dinum.getAttribute("#etat", "data-state")) === "active", "after the Prime Minister's validation the office suite's derogation is in force");
    check((await dinum.textContent("#confirmation")).includes("1 mars 2028") || (await dinum.textContent("#confirmation")).includes("1er mars 2028"), "it runs until the deadline the note's rule gives (18 months after an acceptable offer, 1 September 2026)");
  }
  await member.goto(`${project}/etude-comparative`);
  check((await member.$$("#scenarios thead th")).length >= 3, "the comparative study sets scenarios side by side");
  const studyPdf = await member.request.get(await member.$eval("#pdf", (a) => a.href));
  check(studyPdf.headers()["content-type"] === "application/pdf", "the comparative study comes as a PDF");
  await audit(member, "etude-comparative");

  await controller.goto(new URL("tableau-de-bord", base).href);
  check(Number(await controller.textContent("#total-projets")) >= 2, "the ministry's dashboard counts the projects");
  check((await controller.$$("svg.nuage-chart")).length >= 6, "the dashboard draws its charts");
  await audit(controller, "tableau-de-bord");
  // A bar opens the projects behind it.
  await Promise.all([controller.waitForURL(/\/projets\?verdict=non_compliant/), controller.click('svg.nuage-chart a[href^="/projets?verdict=non_compliant"] rect')]);
  const rows = await controller.$$eval("#projets tbody tr", (trs) => trs.map((tr) => tr.textContent));
  check(rows.length >= 1 && rows.every((r) => r.includes("Non conforme")), `the non-compliant bar opens the non-compliant projects (${rows.length})`);
  // A deadline bar opens the projects whose derogation falls in it: the R9 derogation, in force,
  // its deadline brought to 20 June (J-19).
  await controller.goto(new URL("tableau-de-bord", base).href);
  if (offPremise) {
    const never = await controller.$('svg.nuage-chart a[href^="/projets?derogation=in_force&echeance=never"]');
    check(never !== null && (await never.textContent()).includes("sans échéance"), "the R7 derogation counts as « sans échéance », not « échéance à fixer »");
  }
  await Promise.all([
    controller.waitForURL(/\/projets\?derogation=in_force&echeance=within_30/),
    controller.click('svg.nuage-chart a[href^="/projets?derogation=in_force&echeance=within_30"] rect'),
  ]);
  const due = await controller.$$eval("#projets tbody tr", (trs) => trs.map((tr) => tr.textContent));
  check(due.length === 1 && due[0].includes("Système de gestion des titres de séjour"), `the « in force — due within 30 days » bar opens that project (${due.length})`);
  check((await controller.textContent("#filtres-tableau")).includes("dérogation en vigueur — échéance sous 30 jours"), "the list says which derogations it keeps");
  await audit(controller, "projets-derogations");
  // The period filter narrows the CSV too: nothing registered before 2000.
  const empty = await controller.request.get(new URL("tableau-de-bord/projets.csv?au=2000-01-01", base).href);
  check((await empty.body()).toString("utf8").trim().split("\r\n").length === 1, "the CSV keeps the dashboard's period (a header alone before 2000)");
  const csv = await controller.request.get(new URL("tableau-de-bord/projets.csv", base).href);
  const csvText = (await csv.body()).toString("utf8");
  check(csvText.startsWith("\ufeffNuméro;Ministère;Organisation;Projet;"), "the CSV opens in a French spreadsheet: BOM, semicolons, French labels");
  check(csvText.includes("Ministère de démonstration") && csvText.includes("Non conforme") && /\d\d\/\d\d\/20\d\d/.test(csvText), "the CSV has organisation names, verdicts in words and French dates");
  await controller.goto(new URL("projets", base).href);
  await audit(controller, "projets");

  // ── The FAQ's derogation from R9 on proof of SecNumCloud's guarantees: minister, then
  // Prime Minister, and no deadline ──
  await importProject(member, dossier);
  const proof = await requestDerogation(member, "r9_equivalent_guarantees", "Garanties équivalentes à SecNumCloud démontrées : rapport d'audit joint.");
  check((await member.textContent("#etapier")).includes("Étape 2 sur 3"), "the equivalent-guarantees derogation: the request, the minister, the Prime Minister");
  check(await mailed(CONTROLLER_MAIL, "garanties", "accord du ministre"), "the controller is e-mailed that the minister's decision on the equivalent guarantees waits");
  await controller.goto(proof);
  await Promise.all([controller.waitForNavigation(), controller.click("#action-approve_for_minister")]);
  await dinum.goto(proof);
  await Promise.all([dinum.waitForNavigation(), dinum.click("#action-validate_for_prime_minister")]);
  check((await dinum.getAttribute("#etat", "data-state")) === "active", "the equivalent-guarantees derogation is in force after the Prime Minister's validation");

  // ── A member of another ministry is refused ─────────────────────────────────────────────
  const other = await as("autre");
  for (const url of [project, derogation, `${project}/etude-comparative`, `${derogation}/demande`]) {
    const response = await other.goto(url);
    check(response.status() === 404, `another ministry's member gets 404 on ${new URL(url).pathname}`);
  }
  const response = await other.goto(new URL("tableau-de-bord", base).href);
  check(response.status() === 403, "a project member does not see dashboards");
  await audit(other, "refus");

  // ── A phone: the verdict in one line at the top ──────────────────────────────────────────
  const phone = await (await browser.newContext({ locale: "fr-FR", viewport: { width: 375, height: 800 } })).newPage();
  await phone.goto(base);
  await Promise.all([phone.waitForURL(/\/entite$/), phone.click("#commencer")]);
  const phoneDraft = phone.url().replace(/\/entite$/, "");
  await phone.goto(`${phoneDraft}/projet`);
  const compact = await phone.$("#verdict-compact");
  const box = compact && (await compact.boundingBox());
  check(box !== null && box.y < 400, "on a phone a compact verdict line sits near the top");
  check(await phone.isVisible("#verdict-compact"), "the compact verdict is visible at 375 px");
  if (shots) await phone.screenshot({ path: path.join(shots, "telephone-projet.png"), fullPage: false });

  // ── Footer pages and error pages ─────────────────────────────────────────────────────────
  for (const [url, name] of [["accessibilite", "accessibilite"], ["mentions-legales", "mentions-legales"], ["donnees-personnelles", "donnees-personnelles"], ["contact", "contact"], ["glossaire", "glossaire"]]) {
    const r = await phone.goto(new URL(url, base).href);
    check(r.status() === 200, `/${url} answers 200`);
    await phone.setViewportSize({ width: 1280, height: 900 });
    await audit(phone, name);
  }
  await phone.goto(new URL("accessibilite", base).href);
  check((await phone.textContent("#conformite")).includes("non conforme"), "the accessibility statement says « non conforme » (no audit)");
  check((await phone.textContent("footer")).includes("Accessibilité : non conforme"), "the footer states the conformity level");
  const missing = await phone.goto(new URL("nulle-part", base).href);
  check(missing.status() === 404 && (await phone.textContent("h1")).includes("Page non trouvée"), "a missing page gets a French 404 page");
  await audit(phone, "erreur-404");
  await phone.goto(new URL("langue/en?retour=/nulle-part", base).href);
  check((await phone.textContent("h1")).includes("Page not found"), "and an English one in English");
  await phone.goto(new URL("glossaire", base).href);
  check((await phone.textContent("#liste-regles")).includes("R9 — particularly sensitive data"), "the glossary's rule titles are English in English");
  await phone.goto(new URL("api/v1/docs", base).href);
  check((await phone.textContent("h1")).includes("Nuage API — reference"), "the API reference page is English in English");

  const login = await (await browser.newContext()).newPage();
  await login.goto(new URL("connexion", base).href);
  await audit(login, "connexion");
  await login.goto(new URL("langue/en?retour=/", base).href);
  check((await login.textContent("h1")).includes("for your project"), "the pages are available in English");
  await audit(login, "home-en");
  }
} catch (e) {
  check(false, `the scenario ran to its end: ${e.stack || e}`);
} finally {
  await browser.close();
}

console.log(`\n${failures.length} failure(s); pages audited: ${[...audited].join(", ")}`);
process.exit(failures.length ? 1 : 0);
