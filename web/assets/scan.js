// dossier scan station (#/review): upload a batch (several files, drag and
// drop, upload progress; an account and category for the batch or for
// each file), or scan one on a scanner attached to the server
// (shown only when the server sees one); watch it being ingested (files
// or pages scanned and read, each finished document's pages as
// thumbnails; a scan the scanner stopped can be resumed or closed), then
// work the review queue: each flagged document beside its OCR text, to
// accept (with a corrected account or category) or return for
// rescanning; and print a cover sheet.
'use strict';
(function () {
  const { el } = D;

  function field(label, id, value, hint) {
    const w = el('div', 'field');
    const l = el('label', null, label);
    l.htmlFor = id;
    const i = el('input');
    Object.assign(i, { id, value: value || '' });
    if (hint) i.placeholder = hint;
    w.append(l, i);
    return [w, i];
  }

  // Uploads with XMLHttpRequest, which reports upload progress.
  // own[i], when given, is file i's own {account, category}: sent just
  // before the file, it wins over the batch's.
  function send(files, fields, onProgress, own) {
    return new Promise((resolve, reject) => {
      const fd = new FormData();
      // Fields first: the server reads them before the files stream in.
      for (const [k, v] of Object.entries(fields)) if (v) fd.append(k, v);
      files.forEach((f, i) => {
        const o = (own && own[i]) || {};
        if (o.account) fd.append('file_account', o.account);
        if (o.category) fd.append('file_category', o.category);
        fd.append('files', f, f.name);
      });
      const x = new XMLHttpRequest();
      x.open('POST', '/api/batches');
      x.setRequestHeader('X-CSRF-Token', sessionStorage.getItem('csrf') || '');
      x.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
      x.addEventListener('load', () => {
        let body = null;
        try { body = JSON.parse(x.responseText); } catch (e) { body = null; }
        if (x.status === 202) resolve(body);
        else reject(new Error((body && body.error) || ('the upload failed (' + x.status + ')')));
      });
      x.addEventListener('error', () => reject(new Error('the archive server could not be reached; nothing was filed')));
      x.send(fd);
    });
  }

  function uploader(onBatch) {
    const box = el('section', 'upload');
    box.appendChild(el('h2', null, 'Upload a batch'));
    const drop = el('div', 'drop');
    drop.tabIndex = 0;
    drop.setAttribute('role', 'button');
    drop.setAttribute('aria-label', 'Choose scan files, or drop them here');
    drop.appendChild(el('p', null, 'Drop scan files here (TIFF, PNG, JPEG, PDF), or press Enter to choose them.'));
    const input = el('input');
    Object.assign(input, { type: 'file', multiple: true, accept: '.tif,.tiff,.png,.jpg,.jpeg,.pdf' });
    input.hidden = true;
    const bar = el('progress');
    bar.max = 100; bar.value = 0; bar.hidden = true;
    const st = D.status('');
    // Where the batch is filed when no cover sheet or printed account
    // says otherwise: an account (its customer follows) and a category.
    const opts = el('div', 'upload-opts');
    const [wa, acc] = field('Account (its customer follows)', 'up-acc', '', 'if no cover sheet: e.g. ACC-2024-000101');
    const [wc, cat] = field('Category', 'up-cat', '', 'e.g. CREDIT');
    const cats = el('datalist');
    cats.id = 'up-cats';
    cat.setAttribute('list', 'up-cats');
    D.api('/api/categories').then((list) => {
      for (const c of list) { const o = el('option', null, c.name); o.value = c.code; cats.appendChild(o); }
    }).catch(() => {});
    // Each file its own account and category: the files chosen wait in a
    // table until "Upload" is pressed.
    const wp = el('div', 'field upload-perfile');
    const per = el('input');
    Object.assign(per, { type: 'checkbox', id: 'up-perfile' });
    const pl = el('label', null, 'Set the account and category of each file');
    pl.htmlFor = 'up-perfile';
    wp.append(per, pl);
    opts.append(wa, wc, cats, wp);
    const pending = el('div', 'upload-files');
    pending.hidden = true;
    box.append(opts, drop, input, pending, bar, st);
    function stage(files) {
      pending.replaceChildren();
      const t = el('table', 'upload-files-table');
      const hr = el('tr');
      for (const h of ['File', 'Account', 'Category']) hr.appendChild(el('th', null, h));
      const th = el('thead');
      th.appendChild(hr);
      const tb = el('tbody');
      const rows = files.map((f, i) => {
        const tr = el('tr');
        const a = el('input');
        Object.assign(a, { id: 'up-file-acc-' + i, value: acc.value.trim(), placeholder: 'the batch\'s' });
        a.setAttribute('aria-label', 'Account of ' + f.name);
        const c = el('input');
        Object.assign(c, { id: 'up-file-cat-' + i, value: cat.value.trim(), placeholder: 'the batch\'s' });
        c.setAttribute('aria-label', 'Category of ' + f.name);
        c.setAttribute('list', 'up-cats');
        const ta = el('td'), tc = el('td');
        ta.appendChild(a); tc.appendChild(c);
        tr.append(el('td', null, f.name), ta, tc);
        tb.appendChild(tr);
        return [a, c];
      });
      t.append(th, tb);
      const up = el('button', null, 'Upload ' + files.length + ' file' + (files.length > 1 ? 's' : ''));
      up.type = 'button';
      const cancel = el('button', 'secondary', 'Cancel');
      cancel.type = 'button';
      cancel.addEventListener('click', () => { pending.hidden = true; pending.replaceChildren(); });
      up.addEventListener('click', () => {
        const own = rows.map(([a, c]) => ({ account: a.value.trim(), category: c.value.trim() }));
        pending.hidden = true;
        pending.replaceChildren();
        go(files, own, true);
      });
      pending.append(t, up, document.createTextNode(' '), cancel);
      pending.hidden = false;
      st.className = 'status';
      st.textContent = files.length + ' file' + (files.length > 1 ? 's' : '') +
        ' chosen: say each one\'s account and category, then upload.';
    }
    async function go(files, own, staged) {
      if (!files.length) return;
      if (per.checked && !staged) { stage(files); return; }
      bar.hidden = false; bar.value = 0;
      st.className = 'status';
      st.textContent = 'Uploading ' + files.length + ' file' + (files.length > 1 ? 's' : '') + '…';
      try {
        const b = await send(files, { account: acc.value.trim(), category: cat.value.trim() }, (done, total) => {
          bar.value = Math.round(done * 100 / total);
          st.textContent = 'Uploading: ' + Math.round(done / 1048576) + ' of ' + Math.round(total / 1048576) + ' MB';
        }, own);
        bar.hidden = true;
        // Said while the batch is read; its watcher says when it is done.
        st.textContent = 'Batch ' + b.batch + ': ' + files.length + ' file' + (files.length > 1 ? 's' : '') +
          ' received; being read (see below).';
        onBatch(b.batch, (outcome) => { st.textContent = 'Batch ' + b.batch + ': ' + outcome; });
      } catch (e) {
        bar.hidden = true;
        st.className = 'status error';
        st.setAttribute('role', 'alert');
        st.textContent = 'Upload failed: ' + e.message;
      }
    }
    drop.addEventListener('click', () => input.click());
    drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
    // Cleared after each choice: choosing the same file again is a change.
    input.addEventListener('change', () => { const fs = [...input.files]; input.value = ''; go(fs); });
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); go([...e.dataTransfer.files]); });
    return box;
  }

  // Scans on a scanner attached to the server: only shown when it sees one.
  async function scanner(onBatch) {
    let list;
    try { list = await D.api('/api/scanners'); } catch (e) { return null; }
    if (!list.scanners || !list.scanners.length) return null;
    const box = el('section', 'scanner');
    box.appendChild(el('h2', null, 'Scan from scanner'));
    const f = el('form', 'scan-form');
    function choice(label, id, options) {
      const w = el('div', 'field');
      const l = el('label', null, label);
      l.htmlFor = id;
      const sel = el('select');
      sel.id = id;
      for (const [value, text] of options) {
        const o = el('option', null, text);
        o.value = value;
        sel.appendChild(o);
      }
      w.append(l, sel);
      return [w, sel];
    }
    const [wd, dev] = choice('Scanner', 'sc-device', list.scanners.map(s =>
      [s.name, s.vendor + ' ' + s.model + ' (' + s.name + ')']));
    const [ws, src] = choice('Source', 'sc-source', [['adf', 'Document feeder'], ['flatbed', 'Flatbed']]);
    const [wr, dpi] = choice('Resolution', 'sc-dpi', [['300', '300 dpi'], ['200', '200 dpi'], ['150', '150 dpi'], ['400', '400 dpi'], ['600', '600 dpi']]);
    const [wm, mode] = choice('Mode', 'sc-mode', [['gray', 'Gray'], ['lineart', 'Black and white']]);
    const wx = el('div', 'field');
    const dl = el('label', null, 'Both sides');
    const duplex = el('input');
    Object.assign(duplex, { type: 'checkbox', id: 'sc-duplex' });
    dl.htmlFor = 'sc-duplex';
    wx.append(dl, duplex);
    const [wa, acc] = field('Account (if no cover sheet)', 'sc-acc', '', 'e.g. ACC-2024-000101');
    const [wc, cat] = field('Category (if no cover sheet)', 'sc-cat', '', 'e.g. CREDIT');
    const b = el('button', null, 'Scan');
    b.type = 'submit';
    const st = D.status(list.busy ? 'A scan is running on this server.' : '');
    f.append(wd, ws, wr, wm, wx, wa, wc, b, st);
    box.appendChild(f);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      b.disabled = true;
      st.className = 'status'; st.textContent = 'Starting the scanner…';
      const body = { device: dev.value, source: src.value, dpi: Number(dpi.value), mode: mode.value, duplex: duplex.checked };
      if (acc.value.trim()) body.account = acc.value.trim();
      if (cat.value.trim()) body.category = cat.value.trim();
      try {
        const r = await D.api('/api/scans', { method: 'POST', body });
        st.textContent = 'Batch ' + r.batch + ': ' + r.message;
        onBatch(r.batch);
      } catch (err) {
        st.className = 'status error'; st.setAttribute('role', 'alert');
        st.textContent = 'The scan did not start: ' + err.message;
      }
      b.disabled = false;
    });
    return box;
  }

  // Polls a batch's progress until it is done; shows finished pages.  A
  // scan the scanner stopped offers to resume or close it.
  function watcher(batch, onDone, onOutcome) {
    const box = el('section', 'batch');
    box.appendChild(el('h2', null, 'Batch ' + batch));
    const line = D.status('Starting…');
    const files = el('ul', 'files');
    const acts = el('div', 'scan-actions');
    acts.hidden = true;
    const resume = el('button', null, 'Resume the scan');
    const close = el('button', 'secondary', 'Close the batch');
    resume.type = close.type = 'button';
    acts.append(resume, close);
    // Cancel: what is not read yet is dropped; what was filed stays.
    const cancel = el('button', 'secondary', 'Cancel');
    cancel.type = 'button';
    cancel.className = 'secondary batch-cancel';
    box.append(line, cancel, acts, files);
    let stop = false, shown = false;
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        const r = await D.api('/api/batches/' + batch + '/cancel', { method: 'POST', body: {} });
        line.className = 'status'; line.textContent = r.message + '.';
      } catch (e) {
        line.className = 'status error'; line.setAttribute('role', 'alert'); line.textContent = e.message;
        cancel.disabled = false;
      }
    });
    // Pages read, waiting and failed, pages a minute and the time left.
    function figures(p) {
      let t = p.pages_done + ' of ' + p.pages_total + ' pages read';
      if (p.pages_failed) t += ', ' + p.pages_failed + ' could not be read';
      if (p.pages_per_min > 0) t += ', ' + Math.round(p.pages_per_min) + ' pages/min';
      if (p.seconds_left != null && p.state === 'running') {
        const s = Math.round(p.seconds_left);
        t += ', about ' + (s >= 120 ? Math.round(s / 60) + ' min' : s + ' s') + ' left';
      }
      return t;
    }
    resume.addEventListener('click', async () => {
      resume.disabled = close.disabled = true;
      try {
        await D.api('/api/scans', { method: 'POST', body: { resume: batch } });
        acts.hidden = true;
        line.className = 'status'; line.removeAttribute('role');
        poll();
      } catch (e) { line.className = 'status error'; line.textContent = e.message; }
      resume.disabled = close.disabled = false;
    });
    close.addEventListener('click', async () => {
      resume.disabled = close.disabled = true;
      try {
        const r = await D.api('/api/batches/' + batch + '/close', { method: 'POST', body: {} });
        acts.hidden = true;
        line.className = 'status'; line.textContent = r.message + '.';
      } catch (e) { line.className = 'status error'; line.textContent = e.message; }
      resume.disabled = close.disabled = false;
    });
    async function poll() {
      await new Promise(r => setTimeout(r, 0)); // shown once the caller adds it
      for (;;) {
        if (box.isConnected) shown = true;
        else if (shown) return; // the screen was left
        if (stop) return;
        let p;
        try { p = await D.api('/api/batches/' + batch + '/progress'); } catch (e) {
          line.className = 'status error'; line.textContent = e.message; return;
        }
        if (p.kind === 'scan') {
          line.textContent = p.state === 'running'
            ? p.pages_scanned + ' pages scanned, ' + p.pages_done + ' read…'
            : p.message + '.';
          if (p.state === 'stopped') {
            line.className = 'status error'; line.setAttribute('role', 'alert');
            acts.hidden = false;
          }
        } else {
          line.textContent = p.files_done + ' of ' + p.files_total + ' files, ' + figures(p) +
            (p.state === 'running' ? '…' : p.state === 'done' ? ': done.'
              : p.state === 'cancelled' ? ': cancelled (what was filed stays).' : ': stopped, see the messages below.');
        }
        cancel.hidden = p.state !== 'running';
        files.replaceChildren();
        for (const f of p.files) {
          const li = el('li');
          li.appendChild(el('strong', null, f.name));
          if (f.error) li.appendChild(el('span', 'error', ' — not filed: ' + f.error));
          for (const d of f.documents) {
            const a = el('a', 'docthumb');
            a.href = '#/doc/' + d.id;
            a.title = 'Document ' + d.id + (d.status === 'review' ? ' (waits for review)' : '');
            for (let s = 1; s <= Math.min(d.pages || 1, 6); s++) {
              const img = el('img');
              img.src = '/api/documents/' + d.id + '/pages/' + s + '/thumb';
              img.alt = 'Document ' + d.id + ' page ' + s;
              a.appendChild(img);
            }
            if (d.status === 'review') a.appendChild(el('span', 'flag', 'review'));
            if (d.duplicate) { a.title = 'Archived before as document ' + d.id; a.appendChild(el('span', 'flag', 'archived before')); }
            li.appendChild(a);
          }
          files.appendChild(li);
        }
        if (p.state !== 'running') {
          if (onOutcome) {
            const nd = p.files.reduce((t, f) => t + (f.documents || []).filter((d) => !d.duplicate).length, 0);
            const nu = p.files.reduce((t, f) => t + ((f.documents || []).some((d) => d.duplicate) ? 1 : 0), 0);
            const nf = p.files.filter((f) => f.error).length;
            onOutcome(p.state === 'done' ? 'read; ' + nd + ' document' + (nd === 1 ? '' : 's') + ' filed' +
              (nu ? ', ' + nu + ' file' + (nu === 1 ? '' : 's') + ' archived before' : '') +
              (nf ? ', ' + nf + ' file' + (nf === 1 ? '' : 's') + ' not filed' : '') + '.' : 'stopped; see below.');
          }
          onDone();
          return;
        }
        await new Promise(r => setTimeout(r, 1000));
      }
    }
    poll();
    box.stop = () => { stop = true; };
    return box;
  }

  async function reviewItem(item, refresh) {
    const li = el('li', 'review-item');
    let doc;
    try { doc = await D.api('/api/documents/' + item.id); } catch (e) {
      li.appendChild(D.status('Document ' + item.id + ': ' + e.message, true));
      return li;
    }
    const pages = doc.pages && doc.pages.length ? doc.pages : [{ seq: 1, text: '' }];
    let at = 0;
    const left = el('div', 'review-left');
    const img = el('img', 'review-page');
    // The page with the regions the quality gate found unread outlined.
    const frame = el('div', 'review-frame');
    const gate = el('p', 'gate');
    frame.appendChild(img);
    const text = el('pre', 'ocr');
    const turnSt = D.status('');
    const nav = el('div', 'review-pages');
    const prev = el('button', 'secondary', '\u2190 Previous page');
    const next = el('button', 'secondary', 'Next page \u2192');
    const where = el('span', 'review-where');
    prev.type = next.type = 'button';
    // The page as it is now: its image (new address after a turn, so the
    // browser does not show the cached one) and the text read from it.
    function showPage() {
      const p = pages[at];
      img.src = '/api/documents/' + item.id + '/pages/' + p.seq + '/image?w=800&v=' + (doc.version || 1);
      img.alt = 'Page ' + p.seq + ' of document ' + item.id;
      text.textContent = p.text || '(no text was read)';
      frame.querySelectorAll('.unread-box').forEach(b => b.remove());
      const un = Array.isArray(p.unread) ? p.unread : [];
      for (const r of un) {
        if (!p.width || !p.height || !Array.isArray(r) || r.length !== 4) continue;
        const b = el('div', 'unread-box');
        b.title = 'not read';
        b.style.left = (100 * r[0] / p.width) + '%';
        b.style.top = (100 * r[1] / p.height) + '%';
        b.style.width = (100 * r[2] / p.width) + '%';
        b.style.height = (100 * r[3] / p.height) + '%';
        frame.appendChild(b);
      }
      gate.textContent = typeof p.read_share === 'number'
        ? 'Text-like ink read: ' + Math.round(100 * p.read_share) + '%' +
          (un.length ? '; ' + un.length + (un.length > 1 ? ' regions' : ' region') + ' outlined in red produced no words.' : '.')
        : '';
      where.textContent = 'Page ' + p.seq + ' of ' + pages.length;
      prev.disabled = at === 0;
      next.disabled = at === pages.length - 1;
    }
    prev.addEventListener('click', () => { if (at > 0) { at--; showPage(); } });
    next.addEventListener('click', () => { if (at < pages.length - 1) { at++; showPage(); } });
    const turns = el('div', 'review-turn');
    turns.appendChild(el('span', null, 'Turn this page: '));
    for (const [deg, label] of [[270, '\u21ba a quarter left'], [90, '\u21bb a quarter right'], [180, 'upside down']]) {
      const b = el('button', 'secondary', label);
      b.type = 'button';
      b.dataset.degrees = String(deg);
      b.addEventListener('click', async () => {
        const p = pages[at];
        turns.querySelectorAll('button').forEach(x => { x.disabled = true; });
        turnSt.className = 'status'; turnSt.textContent = 'Turning page ' + p.seq + ' and reading it again\u2026';
        try {
          const r = await D.api('/api/documents/' + item.id + '/pages/' + p.seq + '/turn', {
            method: 'POST', body: { degrees: deg, reason: note.value.trim() || 'turned upright in review' } });
          doc = await D.api('/api/documents/' + item.id);
          pages.splice(0, pages.length, ...doc.pages);
          showPage();
          turnSt.textContent = r.message;
        } catch (e) {
          turnSt.className = 'status error'; turnSt.setAttribute('role', 'alert'); turnSt.textContent = e.message;
        }
        turns.querySelectorAll('button').forEach(x => { x.disabled = false; });
      });
      turns.appendChild(b);
    }
    if (pages.length > 1) nav.append(prev, where, next); else nav.append(where);
    left.append(frame, gate, nav, turns, turnSt);
    const side = el('div', 'review-side');
    side.appendChild(el('h3', null, 'Document ' + item.id + ': ' + (item.title || '')));
    side.appendChild(el('p', 'reason', 'Why it waits: ' + item.reason));
    // The classifier's suggestion, each part with its confidence.
    const sg = item.suggestion;
    if (sg && (sg.category || sg.doc_type || sg.customer)) {
      const p = el('p', 'suggestion');
      p.appendChild(el('strong', null, 'Suggested: '));
      const parts = [];
      if (sg.category) parts.push('category ' + sg.category.value + ' (' + Math.round(sg.category.confidence) + '%)');
      if (sg.doc_type) parts.push('type ' + sg.doc_type.value + ' (' + Math.round(sg.doc_type.confidence) + '%)');
      if (sg.customer) parts.push('customer ' + sg.customer.value + ' (' + Math.round(sg.customer.confidence) + '%)');
      p.appendChild(document.createTextNode(parts.join(', ') + ', learned from ' + sg.trained_on + ' filed documents'));
      side.appendChild(p);
    }
    side.appendChild(text);
    const f = el('form', 'decide');
    const [wa, acc] = field('Account', 'acc-' + item.id, doc.account, 'e.g. ACC-2024-000101');
    const [wc, cat] = field('Category', 'cat-' + item.id,
      doc.category || (sg && sg.category ? sg.category.value : ''), 'e.g. CREDIT');
    const [wt, typ] = field('Document type', 'type-' + item.id,
      doc.doc_type || (sg && sg.doc_type ? sg.doc_type.value : ''), 'e.g. loan_application');
    const [wn, note] = field('Note (why)', 'note-' + item.id, '', 'required to send back');
    const accept = el('button', null, 'Accept and file');
    accept.type = 'submit';
    const back = el('button', 'secondary', 'Send back for rescan');
    back.type = 'button';
    const open = el('a', null, 'Open in the viewer');
    open.href = '#/doc/' + item.id;
    const st = D.status('');
    f.append(wa, wc, wt, wn, accept, back, open, st);
    side.appendChild(f);
    async function decide(action) {
      const body = { note: note.value.trim() };
      if (action === 'accept') {
        const changes = {};
        if (acc.value.trim() && acc.value.trim() !== (doc.account || '')) changes.account = acc.value.trim();
        if (cat.value.trim() && cat.value.trim() !== (doc.category || '')) changes.category = cat.value.trim();
        if (typ.value.trim() && typ.value.trim() !== (doc.doc_type || '')) changes.doc_type = typ.value.trim();
        if (Object.keys(changes).length) body.changes = changes;
      }
      accept.disabled = back.disabled = true;
      try {
        const r = await D.api('/api/review/' + item.id + '/' + action, { method: 'POST', body });
        // The queue is drawn again without this document; the outcome
        // stays above it until the next decision.
        refresh('Document ' + item.id + ': ' + r.message);
      } catch (e) {
        st.className = 'status error'; st.setAttribute('role', 'alert'); st.textContent = e.message;
        accept.disabled = back.disabled = false;
      }
    }
    f.addEventListener('submit', (e) => { e.preventDefault(); decide('accept'); });
    back.addEventListener('click', () => {
      if (!note.value.trim()) { st.className = 'status error'; st.textContent = 'Say in the note why it goes back.'; note.focus(); return; }
      decide('return');
    });
    showPage();
    li.append(left, side);
    return li;
  }

  async function queue(box, outcome) {
    box.replaceChildren(el('h2', null, 'Review queue'));
    if (outcome) {
      const o = D.status(outcome);
      o.classList.add('review-outcome');
      box.appendChild(o);
    }
    let items;
    try { items = await D.api('/api/review'); } catch (e) { box.appendChild(D.status(e.message, true)); return; }
    if (!items.length) { box.appendChild(D.status('Nothing waits for review.')); return; }
    box.appendChild(D.status(items.length + ' document' + (items.length > 1 ? 's wait' : ' waits') + ' for review.'));
    const ul = el('ul', 'review-list');
    box.appendChild(ul);
    for (const it of items) ul.appendChild(await reviewItem(it, (msg) => queue(box, msg)));
  }

  function coversheet() {
    const box = el('section', 'cover');
    box.appendChild(el('h2', null, 'Cover sheet'));
    box.appendChild(el('p', null, 'Print one on top of a customer\'s stack: its barcode files the pages under the account and category.'));
    const f = el('form');
    const [wa, acc] = field('Account', 'cs-acc', '', 'e.g. ACC-2024-000101');
    const [wc, cat] = field('Category', 'cs-cat', '', 'e.g. CREDIT');
    const b = el('button', null, 'Print cover sheet');
    b.type = 'submit';
    const st = D.status('');
    f.append(wa, wc, b, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!acc.value.trim() || !cat.value.trim()) { st.className = 'status error'; st.textContent = 'Give the account and the category.'; return; }
      const url = '/api/coversheet?' + new URLSearchParams({ account: acc.value.trim(), category: cat.value.trim() });
      // Checked first: a sheet that would file nothing it says is refused
      // in words here rather than in a new tab.
      let res;
      try { res = await fetch(url); } catch (err) { st.className = 'status error'; st.textContent = 'The archive server could not be reached.'; return; }
      if (!res.ok) {
        let why = res.statusText;
        try { why = (await res.json()).error || why; } catch (err) { /* keep the status text */ }
        st.className = 'status error'; st.setAttribute('role', 'alert');
        st.textContent = 'No cover sheet: ' + why;
        return;
      }
      st.className = 'status'; st.removeAttribute('role');
      st.textContent = 'Cover sheet for ' + acc.value.trim() + ' / ' + cat.value.trim() + ' opened in a new tab.';
      window.open(url, '_blank');
    });
    box.appendChild(f);
    return box;
  }

  D.screen('review', {
    title: 'scan & review',
    render: async (view, r) => {
      const reviewBox = el('section', 'queue');
      const batches = el('div', 'batches');
      if (D.may('ingest')) {
        const watch = (batch, onOutcome) => { batches.prepend(watcher(batch, () => queue(reviewBox), onOutcome)); };
        view.appendChild(uploader(watch));
        const scan = el('div', 'scan-slot');
        view.appendChild(scan);
        view.appendChild(batches);
        scanner(watch).then((box) => { if (box) scan.appendChild(box); });
      }
      view.appendChild(reviewBox);
      if (D.may('ingest')) {
        const cs = coversheet();
        view.appendChild(cs);
        // From the landing screen's "Print a cover sheet".
        if (r && r.params.get('cover') === '1') { cs.scrollIntoView(); cs.querySelector('input').focus(); }
      }
      await queue(reviewBox);
    },
  });
})();
