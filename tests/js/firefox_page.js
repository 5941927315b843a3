// Drives a saved ctlab page in headless Firefox (WebDriver BiDi, puppeteer-core) for
// tests/browser/test_firefox.py, which checks the pixels in Python against
// ctlab.apply_window and ctlab.plot.label_pixels.
//
//   node tests/js/firefox_page.js FIREFOX PAGE.html STEPS.json
//
// Every request but the page itself (and its data: URLs) is aborted. The page is opened, the first slice
// canvas waited for until painted, then each step done ({"focus": selector, "press":
// key}, {"uncheck": selector}, {"select": [selector, value]}) and the canvas waited
// for until it paints something else. Prints JSON: what the canvas said it painted
// and its RGBA pixels (base64) after opening and after each step, the console
// messages, page errors and aborted requests.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const CANVAS = "canvas.ctlab-slice-canvas";
const [executablePath, pagePath, stepsPath] = process.argv.slice(2);
const steps = JSON.parse(readFileSync(stepsPath, "utf8"));
const url = pathToFileURL(pagePath).href;

function canvasState(selector) {
  const canvas = document.querySelector(selector);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let binary = "";
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return {
    painted: JSON.parse(canvas.getAttribute("data-painted")),
    width: canvas.width,
    height: canvas.height,
    pixels: btoa(binary),
  };
}

async function waitPainted(page, before) {
  await page.waitForFunction(
    (selector, previous) => {
      const value = document.querySelector(selector)?.getAttribute("data-painted");
      return value && value !== previous;
    },
    { timeout: 15_000 },
    CANVAS,
    before,
  );
  return page.evaluate(canvasState, CANVAS);
}

const browser = await puppeteer.launch({ browser: "firefox", executablePath, headless: true });
const result = { version: await browser.version(), states: [], console: [], errors: [], aborted: [] };
try {
  const page = await browser.newPage();
  page.on("console", (message) => result.console.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => result.errors.push(String(error)));
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    // data: URLs are the page's own bytes (Firefox asks for its inline fonts), not the network.
    if (request.url() === url || request.url().startsWith("data:")) return request.continue();
    result.aborted.push(request.url());
    return request.abort();
  });
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(url);
  result.states.push(await waitPainted(page, null));
  for (const step of steps) {
    const before = await page.$eval(CANVAS, (canvas) => canvas.getAttribute("data-painted"));
    if (step.focus) {
      await page.focus(step.focus);
      await page.keyboard.press(step.press);
    } else if (step.uncheck) {
      await page.click(step.uncheck);
    } else if (step.select) {
      await page.select(...step.select);
    }
    result.states.push(await waitPainted(page, before));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
