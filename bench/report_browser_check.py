"""Open a run's report.html in headless Chromium with the network off and exercise its plots.

For each interactive view: hover a data point (a hover label must appear) and drag a zoom box
(the x-axis range must change); screenshots of the page and of each view after hovering go to
``--shots``. Prints one line per check and exits non-zero when one fails.

Not part of the toolkit's environment (a browser check for developers): it needs Debian's
``chromium`` and ``chromium-driver`` and ``pip install selenium`` in any Python.

    python bench/report_browser_check.py outputs/seeds/report.html --shots /tmp/shots
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import MoveTargetOutOfBoundsException
from selenium.webdriver.common.by import By


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--shots", default="/tmp/report_shots")
    args = parser.parse_args()
    report = Path(args.report).resolve()
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    html = report.read_text("utf-8")
    external = re.findall(r'<script[^>]+src="(https?:[^"]+)"', html)
    print(f"external scripts: {len(external)} {external[:3]}")
    print(f"plotly.js copies embedded: {html.count('plotly.js v')}")

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    failures = 0
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        driver.get(report.as_uri())
        time.sleep(3)
        driver.save_screenshot(str(shots / "top.png"))
        direction = driver.execute_script(
            "const t = document.querySelector('td.ar'); return t ? getComputedStyle(t).direction : null")
        print(f"Arabic table cells direction: {direction}")
        failures += direction != "rtl"
        views = driver.find_elements(By.CSS_SELECTOR, "div.plotly-graph-div")
        print(f"interactive views: {len(views)}")
        failures += not views
        for view in views:
            name = view.get_attribute("id")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", view)
            time.sleep(0.5)
            # Pixel positions of data points, from plotly's own axis conversion.
            points = driver.execute_script("""
                const gd = arguments[0], L = gd._fullLayout, out = [];
                for (const tr of gd._fullData) {
                  if (!tr.visible || tr.visible === 'legendonly' || !tr.x || !tr.x.length) continue;
                  if (tr.hoverinfo === 'skip' || tr.hoverinfo === 'none') continue;
                  const xa = L[(tr.xaxis || 'x').replace('x', 'xaxis')], ya = L[(tr.yaxis || 'y').replace('y', 'yaxis')];
                  const step = Math.max(1, Math.floor(tr.x.length / 5));
                  for (let k = 0; k < tr.x.length && out.length < 40; k += step) {
                    const x = tr.x[k], y = tr.y[k];
                    if (x === null || y === null || x === undefined) continue;
                    const px = xa._offset + xa.d2p(x), py = ya._offset + ya.d2p(y);
                    if (isFinite(px) && isFinite(py)) out.push([px, py]);
                  }
                }
                return out;""", view)
            width, height = view.size["width"], view.size["height"]
            hover = []
            for px, py in points:
                try:
                    ActionChains(driver).move_to_element_with_offset(
                        view, int(px - width / 2), int(py - height / 2)).perform()
                except MoveTargetOutOfBoundsException:
                    continue  # a point outside the window of a tall figure
                time.sleep(0.4)
                hover = driver.execute_script(
                    "return Array.from(arguments[0].querySelectorAll('.hoverlayer .hovertext')).map(e => e.textContent)",
                    view)
                if hover:
                    break
            view.screenshot(str(shots / f"{name}_hover.png"))
            print(f"{name}: hover label {'shown' if hover else 'MISSING'} {str(hover[:1])[:90]}")
            failures += not hover
            # Drag a zoom box across the middle of the first subplot.
            ranges = "return Object.keys(arguments[0]._fullLayout).filter(k => /^[xy]axis\\d*$/.test(k))" \
                     ".map(k => [k, [...arguments[0]._fullLayout[k].range]])"
            before = driver.execute_script(ranges, view)
            box = driver.execute_script("const L = arguments[0]._fullLayout;"
                                        "return [L.xaxis._offset, L.xaxis._length, L.yaxis._offset, L.yaxis._length]", view)
            x0, y0 = box[0] + box[1] * 0.3, box[2] + box[3] * 0.3
            dx, dy = box[1] * 0.3, box[3] * 0.3
            driver.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY"
                                  " + arguments[1] - window.innerHeight / 2)", view, box[2] + box[3] * 0.45)
            time.sleep(0.3)
            (ActionChains(driver).move_to_element_with_offset(view, int(x0 - width / 2), int(y0 - height / 2))
             .click_and_hold().move_by_offset(int(dx / 2), int(dy / 2)).move_by_offset(int(dx / 2), int(dy / 2))
             .release().perform())
            time.sleep(0.8)
            after = driver.execute_script(ranges, view)
            changed = [k for (k, r0), (_, r1) in zip(before, after)
                       if [round(v, 4) if isinstance(v, float) else v for v in r0]
                       != [round(v, 4) if isinstance(v, float) else v for v in r1]]
            view.screenshot(str(shots / f"{name}_zoom.png"))
            print(f"{name}: zoom {'changed ' + ', '.join(changed) if changed else 'DID NOT change any axis range'}")
            failures += not changed
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        print(f"console errors: {len(errors)} {[e['message'][:120] for e in errors[:3]]}")
    finally:
        driver.quit()
    print("OK" if not failures else f"{failures} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
