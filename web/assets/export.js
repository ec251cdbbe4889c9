// export.js: exports from the browser.  D.exportPanel(what) gives the
// "Export" form put under a search or a dossier: the reason (required,
// kept in the audit log with the query), the originals, bundle or
// spreadsheet; it starts the export on the server, which goes on when the
// page closes, shows its progress and, when done, a download link.  The
// "Exports" screen lists the user's exports of the last day.
(function () {
  'use strict';
  const D = window.D;
  const el = D.el;

  function size(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + ' GB';
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MB';
    if (n >= 1 << 10) return Math.round(n / (1 << 10)) + ' KB';
    return n + ' bytes';
  }

  // One line saying where an export is, with its download when done.
  function describe(x) {
    const p = el('p', 'xp-line');
    if (x.state === 'running') {
      p.textContent = 'Export ' + x.id + ' running: ' + (x.total ? x.done + ' of ' + x.total + ' documents' : 'choosing documents') +
        (x.bytes ? ', ' + size(x.bytes) + ' so far' : '') + '. You may close this page; it goes on.';
    } else if (x.state === 'done') {
      const what = x.kind === 'audit' ? x.entries + ' audit entries' : x.documents + ' document' + (x.documents === 1 ? '' : 's') +
        (x.pages ? ', ' + x.pages + ' pages' : '');
      p.append('Export ' + x.id + ' is ready: ' + what + ', ' + size(x.bytes) + '. ');
      const a = el('a', 'xp-download', 'Download ' + x.name);
      a.href = '/api/exports/' + x.id + '/download';
      a.setAttribute('download', x.name);
      p.appendChild(a);
    } else {
      p.className = 'xp-line status error';
      p.setAttribute('role', 'alert');
      p.textContent = 'Export ' + x.id + ' failed: ' + (x.message || 'see the server log') + '.';
    }
    return p;
  }

  // Follows an export until it is finished, redrawing box.
  async function follow(id, box) {
    for (;;) {
      let x;
      try { x = await D.api('/api/exports/' + id); } catch (e) {
        box.replaceChildren(D.status('The export\u2019s progress cannot be read: ' + e.message, true));
        return;
      }
      box.replaceChildren(describe(x));
      if (x.state !== 'running' || !box.isConnected) return;
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  // what: {query} or {customers: [...]} or {documents: [...]}, and a label.
  function exportPanel(what, label) {
    const wrap = el('details', 'xp');
    wrap.appendChild(el('summary', null, 'Export ' + label));
    const f = el('form', 'xp-form');
    const rl = el('label', null, 'Reason (kept in the audit log)');
    const reason = el('input');
    reason.id = 'xp-reason-' + Math.random().toString(36).slice(2, 8);
    reason.setAttribute('aria-required', 'true');
    reason.placeholder = 'e.g. regulator request 2026/114';
    rl.htmlFor = reason.id;
    const ol = el('label', 'xp-check');
    const orig = el('input');
    orig.type = 'checkbox';
    ol.append(orig, ' include the original scans');
    const kl = el('label', null, 'As');
    const kind = el('select');
    kind.id = reason.id + '-kind';
    kl.htmlFor = kind.id;
    for (const [v, t] of [['bundle', 'signed bundle (ZIP of searchable PDFs, manifest, signature)'], ['csv', 'spreadsheet (CSV of the metadata only)']]) {
      const o = el('option', null, t);
      o.value = v;
      kind.appendChild(o);
    }
    const go = el('button', null, 'Start the export');
    go.type = 'submit';
    const out = el('div', 'xp-out');
    out.setAttribute('aria-live', 'polite');
    f.append(rl, reason, kl, kind, ol, go);
    wrap.append(f, out);
    kind.addEventListener('change', () => { orig.disabled = kind.value !== 'bundle'; });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (reason.value.trim().length < 3) {
        out.replaceChildren(D.status('Say why you export: the reason is kept in the audit log with what was exported.', true));
        reason.focus();
        return;
      }
      go.disabled = true;
      out.replaceChildren(D.status('Starting the export\u2026'));
      try {
        const body = Object.assign({ kind: kind.value, reason: reason.value.trim(), originals: orig.checked }, what);
        const r = await D.api('/api/exports', { method: 'POST', body });
        await follow(r.id, out);
      } catch (err) {
        out.replaceChildren(D.status('The export could not start: ' + err.message, true));
      }
      go.disabled = false;
    });
    return wrap;
  }

  D.exportPanel = exportPanel;
  D.exportFollow = follow;

  D.screen('exports', {
    title: 'exports',
    render: async (view) => {
      view.appendChild(el('h2', null, 'Your exports'));
      view.appendChild(el('p', null, 'Exports of the last day. Start one from a search or a customer\u2019s dossier; a finished file is removed after a day.'));
      const list = await D.api('/api/exports');
      if (!list.length) { view.appendChild(D.status('You have no exports from the last day.')); return; }
      const ul = el('ul', 'xp-list');
      for (const x of list) {
        const li = el('li');
        li.appendChild(el('p', 'xp-what', (x.kind === 'audit' ? 'Audit log' : 'Query \u201c' + (x.query || 'the listed records') + '\u201d') +
          (x.reason ? ' \u2014 reason: ' + x.reason : '') + ' (' + x.created.replace('T', ' ').replace('Z', ' UTC') + ')'));
        const box = el('div');
        box.appendChild(describe(x));
        li.appendChild(box);
        ul.appendChild(li);
        if (x.state === 'running') follow(x.id, box);
      }
      view.appendChild(ul);
    },
  });
})();
