// The event stream: EventSource reconnects by itself and sends Last-Event-ID; the server replays what was missed or
// sends a fresh snapshot. When the stream is refused (the session ended, e.g. a restarted JVM), onSignedOut runs.
import {resume} from './api.js';

const TYPES = ['snapshot', 'service', 'regeneration', 'apply', 'placement', 'actions', 'benchmark'];

export function connect(handlers, onStatus, onSignedOut) {
  let source = null;
  let retryTimer = null;
  let stopped = false;

  function open() {
    if (stopped) return;
    source = new EventSource('/js_admin/events');
    source.onopen = () => onStatus('live');
    source.onerror = async () => {
      if (source.readyState === EventSource.CONNECTING) { onStatus('reconnecting'); return; }
      // CLOSED: the server answered something other than a stream (401 after a restart, 503 when full)
      onStatus('reconnecting');
      source.close();
      try {
        const session = await resume();
        if (!session) { onSignedOut(); return; }
      } catch (e) { /* server down: try again */ }
      retryTimer = setTimeout(open, 2000);
    };
    for (const type of TYPES) {
      source.addEventListener(type, event => {
        let data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        handlers(type, data);
      });
    }
  }
  open();
  return () => { stopped = true; clearTimeout(retryTimer); if (source) source.close(); };
}
