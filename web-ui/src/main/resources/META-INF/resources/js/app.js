// The shell: picks the page for the hash, runs it, and shows every failure in the banner at the top. A page is a
// module whose render(main, route, ui) fills <main>; it throws to fail as a whole, or calls ui.report(error) for a
// part that failed while the rest of the page still shows. A page may export leave() to release what it holds.

import { currentRoute } from './route.js';
import { initRangePicker } from './range.js';
import * as mapPage from './pages/map.js';
import * as servicePage from './pages/service.js';
import * as spansPage from './pages/spans.js';
import * as eventsPage from './pages/events.js';

const PAGES = { map: mapPage, service: servicePage, spans: spansPage, events: eventsPage };

const main = document.getElementById('page');
const banner = document.getElementById('error');
let renderCount = 0;

function report(error) {
  const message = error && error.message ? error.message : String(error);
  const line = document.createElement('div');
  line.textContent = message;
  banner.append(line);
  banner.hidden = false;
  console.warn('Tapwire UI:', message);
}

async function render() {
  const run = ++renderCount;
  const route = currentRoute();
  const name = PAGES[route.segments[0]] ? route.segments[0] : 'map';
  banner.replaceChildren();
  banner.hidden = true;
  Object.values(PAGES).forEach(page => page.leave && page.leave());
  main.replaceChildren();
  main.dataset.page = name;
  main.dataset.state = 'loading';
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active',
    a.dataset.nav === name || (name === 'service' && a.dataset.nav === 'map')));
  // A later navigation wins: an older render that finishes afterwards must not touch the page.
  const ui = { report: error => run === renderCount && report(error), current: () => run === renderCount };
  try {
    await PAGES[name].render(main, route, ui);
    if (ui.current()) {
      main.dataset.state = 'ready';
      // How long the page took from the start of navigation; the browser tests read it against the 2 s budget.
      performance.mark('tapwire-page-ready', { detail: name });
    }
  } catch (error) {
    if (ui.current()) {
      report(error);
      main.dataset.state = 'error';
    }
  }
}

window.addEventListener('unhandledrejection', event => report(event.reason));
window.addEventListener('error', event => report(event.error || event.message));
window.addEventListener('hashchange', render);
initRangePicker(render);
render();
