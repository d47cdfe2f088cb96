// Copies the browser files of our npm packages into static/build, where Django finds them.
import { cpSync, mkdirSync } from "node:fs";

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "static/build/govuk/govuk-frontend.min.js"],
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map", "static/build/govuk/govuk-frontend.min.js.map"],
  ["node_modules/govuk-frontend/dist/govuk/assets/images", "static/build/govuk/assets/images"],
  ["node_modules/govuk-frontend/dist/govuk/assets/manifest.json", "static/build/govuk/assets/manifest.json"],
  ["node_modules/plotly.js-basic-dist-min/plotly-basic.min.js", "static/build/plotly/plotly-basic.min.js"],
  // The API explorer (/api/v1/docs/explorer/). The stylesheet names its source map, which
  // collectstatic's manifest storage must find.
  ["node_modules/swagger-ui-dist/swagger-ui.css", "static/build/swagger-ui/swagger-ui.css"],
  ["node_modules/swagger-ui-dist/swagger-ui.css.map", "static/build/swagger-ui/swagger-ui.css.map"],
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "static/build/swagger-ui/swagger-ui-bundle.js"],
  ["node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js", "static/build/swagger-ui/swagger-ui-standalone-preset.js"],
  // The password strength meter (static/js/password-strength.js), on the pages where a new
  // password is chosen: zxcvbn-ts's browser builds, each setting a part of window.zxcvbnts.
  ...["core", "language-common", "language-en"].flatMap((name) => ["js", "js.map"].map((kind) => [
    `node_modules/@zxcvbn-ts/${name}/dist/zxcvbn-ts.min.${kind}`,
    `static/build/zxcvbn-ts/${name}/zxcvbn-ts.min.${kind}`, // the name its source map link uses
  ])),
];

for (const [from, to] of copies) {
  mkdirSync(to.substring(0, to.lastIndexOf("/")), { recursive: true });
  cpSync(from, to, { recursive: true });
}
console.log(`copied ${copies.length} front-end files into static/build`);
