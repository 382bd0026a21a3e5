"""Open a run's report.html in headless Chromium with the network off and use it as a reader would.

Checks, one printed line each (exit status non-zero when one fails):

- the page opens with the summary, then the table of contents, and has a real <title>;
- the summary's runs table (``#table-runs``) is a live DataTable whose rows name the runs;
- a search in the claims table narrows its rows (DataTables, embedded offline by itables);
- a finding's link in the summary jumps to its source line, shown in its document's context;
- every image has an alt text other than nbconvert's "No description has been provided";
- for each interactive view: hovering a data point shows a label and dragging a box zooms;
- the browser made no request to the network and logged no console error.

Screenshots of the page, the runs table, the search, the followed link and each view go to
``--shots``.

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
from selenium.webdriver.common.keys import Keys


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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
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
        failures += check_layout(driver)
        failures += check_runs_table(driver, shots)
        failures += check_search(driver, shots)
        failures += check_finding_link(driver, shots)
        failures += check_alt_texts(driver)
        for anchor in ("documents", "actors", "claims", "framing"):  # to look at, not checked
            driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", anchor)
            time.sleep(0.3)
            driver.save_screenshot(str(shots / f"section_{anchor}.png"))
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
        failures += bool(errors)
        requests = network_requests(driver)
        print(f"network requests: {len(requests)} {requests[:3]}")
        failures += bool(requests)
    finally:
        driver.quit()
    print("OK" if not failures else f"{failures} check(s) failed")
    return 1 if failures else 0


def check_layout(driver) -> int:
    """The summary comes first, the contents next, then the sections; the tab has a real title."""
    order = driver.execute_script("""
        const at = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect().top + scrollY : null; };
        return [at('#summary'), at('#contents'), at('#the-run'), at('#source-lines')];""")
    title = driver.title
    ok = None not in order and order == sorted(order) and title not in ("", "Notebook")
    print(f"layout: summary {order[0]}, contents {order[1]}, first section {order[2]}, source lines {order[3]}; "
          f"title {title!r} {'ok' if ok else 'WRONG'}")
    return not ok


def check_runs_table(driver, shots: Path) -> int:
    """The summary's runs table is a DataTable (itables ran) with the runs' line ranges."""
    table = driver.find_elements(By.CSS_SELECTOR, "#summary table#table-runs.dataTable")
    if not table:
        print("runs table: MISSING (no #table-runs DataTable in the summary)")
        return 1
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", table[0])
    time.sleep(0.3)
    ranges = [c.text for c in table[0].find_elements(By.CSS_SELECTOR, "tbody td:nth-child(3)")]
    info = driver.execute_script("const i = document.querySelector('#table-runs_wrapper .dt-info, "
                                 "#table-runs_wrapper .dataTables_info'); return i ? i.textContent : ''")
    driver.save_screenshot(str(shots / "runs_table.png"))
    print(f"runs table: {len(ranges)} rows shown ({info}); line ranges {ranges[:4]}")
    return not ranges


def _visible_rows(driver, table_id: str) -> int:
    return driver.execute_script(
        "return document.querySelectorAll('#' + arguments[0] + ' tbody tr:not(:has(td.dt-empty))').length", table_id)


def check_search(driver, shots: Path, table_id: str = "table-claims", query: str = "عشرات") -> int:
    """Typing in a table's search box narrows its rows to the matching ones."""
    box = driver.find_elements(By.XPATH, f"//table[@id='{table_id}']/ancestor::div[contains(@class, 'dt-container')]"
                                         "//input[@type='search']")
    if not box:
        print(f"search: MISSING (no search box for #{table_id})")
        return 1
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box[0])
    total = driver.execute_script("const i = document.querySelector('#' + arguments[0] + '_wrapper .dt-info');"
                                  "return i ? i.textContent : ''", table_id)
    first_page = " ".join(r.text for r in driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr"))
    if query not in first_page:
        # The default word is the seed study's; on another corpus search for a word of the page's
        # own rows (its longest Arabic word), so that a match is expected.
        words = re.findall(r"[\u0621-\u064a]{4,}", first_page)
        query = max(words, key=len) if words else query
    box[0].send_keys(query + Keys.ENTER)
    time.sleep(0.8)
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
    texts = [r.text for r in rows]
    matched = [t for t in texts if query in t]
    info = driver.execute_script("const i = document.querySelector('#' + arguments[0] + '_wrapper .dt-info');"
                                 "return i ? i.textContent : ''", table_id)
    driver.save_screenshot(str(shots / "search.png"))
    ok = bool(matched) and len(matched) == len(texts)
    print(f"search {query!r} in #{table_id}: {len(matched)} of {len(texts)} rows shown match "
          f"({total!s} -> {info!s}) {'ok' if ok else 'WRONG'}")
    box[0].clear()
    box[0].send_keys(Keys.ENTER)
    return not ok


def check_finding_link(driver, shots: Path) -> int:
    """Clicking a finding's link in the summary scrolls to its line, highlighted, in its document."""
    links = driver.find_elements(By.CSS_SELECTOR, "#summary ul a[href^='#doc-']")
    if not links:
        print("finding link: MISSING (no link to a source line among the summary's findings)")
        return 1
    link = links[0]
    target = link.get_attribute("href").split("#", 1)[1]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    time.sleep(0.5)
    state = driver.execute_script("""
        const row = document.getElementById(arguments[0]);
        if (!row) return null;
        const r = row.getBoundingClientRect();
        return {hash: location.hash, top: r.top, height: innerHeight, text: row.textContent.trim().slice(0, 80),
                target: row.matches(':target'), rows: row.closest('table').rows.length,
                doc: row.closest('table').previousElementSibling.previousElementSibling.textContent.slice(0, 60)};""",
                                  target)
    driver.save_screenshot(str(shots / "finding_link.png"))
    ok = bool(state) and state["target"] and -2 <= state["top"] < state["height"]  # scrolled to, sub-pixel
    print(f"finding link {link.text!r} -> #{target}: {state} {'ok' if ok else 'WRONG'}")
    return not ok


def check_alt_texts(driver) -> int:
    """Every image says what it shows."""
    alts = driver.execute_script("return Array.from(document.images).map(i => i.alt)")
    bad = [a for a in alts if not a or "No description has been provided" in a]
    print(f"images: {len(alts)}, without a real alt text: {len(bad)}; first: {alts[0][:80] if alts else None!r}")
    return bool(bad)


def network_requests(driver) -> list[str]:
    """Every http(s) request the page started (from the performance log): none expected."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http:", "https:")):
                urls.append(url)
    return urls


if __name__ == "__main__":
    sys.exit(main())
