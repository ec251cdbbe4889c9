// dossier document viewer (#/doc/ID?q=QUERY&page=N): the page image at
// screen size with zoom, the query's words boxed on it, the page list with
// thumbnails, the page's OCR text beside it (words read with low
// confidence underlined, and framed on the image), the metadata with a
// form that changes it as a new version (for roles that may edit),
// barcodes, versions and history below; where the document is out of
// reach, a form that asks for access.  Page changes and zoom stay on this screen
// (the address is updated in place, so it can still be bookmarked).  Text
// from the archive goes in through textContent only.
'use strict';
(function () {
  const { el } = D;
  // Widths (CSS pixels) the zoom buttons step through; the image asked
  // for is that times the device pixel ratio, within the server's 200-2400.
  const STEPS = [200, 400, 600, 800, 1200, 1600, 2400];
  const MIN_W = 200, MAX_W = 2400;
  const HISTORY_SHOWN = 12;

  function link(href, text, cls) {
    const a = el('a', cls, text);
    a.href = href;
    return a;
  }

  function button(text, label, cls) {
    const b = el('button', cls || 'dv-btn', text);
    b.type = 'button';
    if (label) { b.setAttribute('aria-label', label); b.title = label; }
    return b;
  }

  function docHash(id, q, page) {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (page > 1) p.set('page', String(page));
    const s = p.toString();
    return '#/doc/' + encodeURIComponent(id) + (s ? '?' + s : '');
  }

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  // 2026-11-24T06:04:50Z -> "2026-11-24 07:04" in the clerk's time zone.
  function when(ts) {
    const d = new Date(ts);
    if (!ts || isNaN(d)) return ts || '';
    const z = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + z(d.getMonth() + 1) + '-' + z(d.getDate()) + ' ' + z(d.getHours()) + ':' + z(d.getMinutes());
  }

  function timeEl(ts) {
    const t = el('time', null, when(ts));
    if (ts) t.setAttribute('datetime', ts);
    return t;
  }

  // Errors about the document, in a clerk's words.
  function openError(e, id) {
    if (e.status === 403)
      return 'You may not open this document: ' + e.message.replace(/[.\s]+$/, '') + '.';
    if (e.status === 404)
      return 'No such document: number ' + id + ' is not in the archive, or it has been removed.';
    if (e.status === 0) return e.message;
    return 'The document could not be opened: ' + e.message;
  }

  // A word as the OCR and the query see it: lower case, no edge punctuation.
  function norm(w) {
    return String(w).toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  }

  // The plain words of a query, for marking text when the server gave no
  // boxes: drops field:value terms, operators, negated terms and quotes.
  function queryTerms(q) {
    const out = [];
    const toks = (q || '').match(/-?"[^"]*"|\S+/g) || [];
    for (let t of toks) {
      if (t.startsWith('-') || /^[A-Za-z_]+:/.test(t) || /^(AND|OR|NOT)$/.test(t)) continue;
      t = t.replace(/[()"]/g, ' ');
      for (const w of t.split(/\s+/)) {
        const prefix = w.endsWith('*');
        const n = norm(w);
        if (n) out.push({ word: n, prefix });
      }
    }
    return out;
  }

  // The words the server's boxes fall on (they are the OCR words' boxes).
  function boxedWords(page, boxes) {
    const set = new Set();
    if (!page || !Array.isArray(page.words) || !boxes) return set;
    const at = new Map();
    for (const w of page.words)
      if (Array.isArray(w) && w.length >= 5) at.set(w[1] + ',' + w[2] + ',' + w[3] + ',' + w[4], w[0]);
    for (const b of boxes) {
      const w = at.get(b.join(','));
      if (w !== undefined && norm(w)) set.add(norm(w));
    }
    return set;
  }

  // Where the page's uncertain words (confidence below the threshold)
  // stand in its text: the words come in reading order, so each is looked
  // for after the last one found.  Returns Map(offset -> [word, conf]).
  function unsureAt(text, words, below) {
    const at = new Map();
    if (!Array.isArray(words)) return at;
    let from = 0;
    for (const w of words) {
      if (!Array.isArray(w) || typeof w[0] !== 'string' || !w[0]) continue;
      const k = text.indexOf(w[0], from);
      if (k < 0) continue;
      from = k + w[0].length;
      if (typeof w[5] === 'number' && w[5] < below) at.set(k, w);
    }
    return at;
  }

  // The page's text with the matched words in <mark> and the uncertain
  // ones underlined; returns [node, matches].
  function markedText(text, isMatch, unsure) {
    const pre = el('pre', 'dv-ocr');
    let n = 0, last = 0, m;
    const re = /\S+/g;
    while ((m = re.exec(text)) !== null) {
      const tok = m[0];
      const u = unsure.get(m.index);
      const core = tok.match(/[\p{L}\p{N}](?:.*[\p{L}\p{N}])?/u);
      const hit = core && isMatch(core[0].toLowerCase());
      if (!hit && !u) continue;
      const start = hit ? m.index + core.index : m.index;
      const word = hit ? core[0] : tok;
      pre.appendChild(document.createTextNode(text.slice(last, start)));
      const mk = el(hit ? 'mark' : 'span', u ? 'dv-unsure' : null, word);
      if (u) mk.title = 'read with ' + Math.round(u[5]) + ' % confidence: check it on the page';
      pre.appendChild(mk);
      last = start + word.length;
      if (hit) n++;
    }
    pre.appendChild(document.createTextNode(text.slice(last)));
    return [pre, n];
  }

  function section(title, cls) {
    const s = el('section', 'dv-sec' + (cls ? ' ' + cls : ''));
    const h = el('h3', null, title);
    s.appendChild(h);
    return s;
  }

  // The metadata as a definition list; empty fields show a dash.
  function details(doc) {
    const s = section('Details');
    const dl = el('dl', 'dv-meta');
    const row = (label, value) => {
      dl.appendChild(el('dt', null, label));
      const dd = el('dd');
      if (value instanceof Node) dd.appendChild(value);
      else if (value === null || value === undefined || value === '') { dd.textContent = '—'; dd.className = 'dv-none'; }
      else dd.textContent = String(value);
      dl.appendChild(dd);
    };
    row('Archive number', doc.archive_no);
    if (doc.customer && doc.customer.number) {
      const f = document.createDocumentFragment();
      f.appendChild(link('#/customer/' + encodeURIComponent(doc.customer.number),
        doc.customer.number + (doc.customer.name ? ' · ' + doc.customer.name : '')));
      row('Customer', f);
    } else row('Customer', null);
    row('Account', doc.account ? link('#/search?' + new URLSearchParams({ q: 'account:' + doc.account }), doc.account) : null);
    row('Category', doc.category);
    row('Type', doc.doc_type);
    row('Title', doc.title);
    if (doc.date && doc.date_note) {
      const f = document.createDocumentFragment();
      f.appendChild(document.createTextNode(doc.date + ' '));
      f.appendChild(el('span', 'dv-datenote', '(' + doc.date_note + ')'));
      row('Date', f);
    } else row('Date', doc.date);
    row('Signatory', doc.signatory);
    row('Keywords', doc.keywords);
    row('Confidentiality', doc.confidentiality);
    row('Status', doc.status ? doc.status + (doc.review_reason ? ' (' + doc.review_reason + ')' : '') : null);
    row('Pages', doc.npages);
    row('Source file', doc.source && doc.source.name ? doc.source.name + (doc.source.format ? ' (' + doc.source.format + ')' : '') : null);
    if (doc.location) row('Location', doc.location);
    row('Added', doc.added ? timeEl(doc.added) : null);
    if (doc.version) row('Version', doc.version);
    s.appendChild(dl);
    return s;
  }

  // The form that changes the details, as a new version with a reason
  // (POST /api/documents/ID/edit: the same versioned edit as `dossier
  // edit`); only the fields changed are sent.
  const EDITABLE = [['title', 'Title', 'title'], ['date', 'Date', 'date'], ['category', 'Category', 'category'],
    ['doc_type', 'Type', 'doc_type'], ['account', 'Account', 'account'],
    ['keywords', 'Keywords', 'keywords'], ['signatory', 'Signatory', 'signatory'], ['location', 'Location of the paper', 'location']];

  function editForm(doc, onSaved) {
    const s = section('Change the details', 'dv-edit');
    const f = el('form', 'dv-editform');
    const inputs = {};
    for (const [key, label] of EDITABLE) {
      const w = el('div', 'field');
      const l = el('label', null, label);
      l.htmlFor = 'ed-' + key;
      const i = el('input');
      i.id = 'ed-' + key;
      i.value = doc[key] === null || doc[key] === undefined ? '' : String(doc[key]);
      i.dataset.was = i.value;
      if (key === 'date') { i.placeholder = 'YYYY-MM-DD'; i.pattern = '\\d{4}-\\d{2}-\\d{2}'; }
      if (key === 'category') i.setAttribute('list', 'ed-categories');
      if (key === 'doc_type') i.placeholder = 'e.g. loan_contract, statement, id_copy';
      w.append(l, i);
      f.appendChild(w);
      inputs[key] = i;
    }
    const cats = el('datalist');
    cats.id = 'ed-categories';
    f.appendChild(cats);
    D.api('/api/categories').then((list) => {
      for (const c of list) { const o = el('option', null, c.name); o.value = c.code; cats.appendChild(o); }
    }).catch(() => {});
    const wr = el('div', 'field dv-reason-field');
    const lr = el('label', null, 'Reason for the change (kept with the version)');
    lr.htmlFor = 'ed-reason';
    const reason = el('input');
    // Checked below, in words (a browser's own bubble shows in no screenshot).
    Object.assign(reason, { id: 'ed-reason', maxLength: 500 });
    wr.appendChild(lr);
    wr.appendChild(reason);
    const b = el('button', null, 'Save as a new version');
    b.type = 'submit';
    const st = D.status('');
    f.append(wr, b);
    s.append(f, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const changes = {};
      for (const [key] of EDITABLE) {
        const v = inputs[key].value.trim();
        if (v !== inputs[key].dataset.was) changes[key] = v === '' ? null : v;
      }
      if (!Object.keys(changes).length) { st.className = 'status error'; st.textContent = 'Nothing was changed.'; return; }
      if (reason.value.trim().length < 3) { st.className = 'status error'; st.textContent = 'Say why (three characters at least).'; reason.focus(); return; }
      b.disabled = true;
      st.className = 'status'; st.textContent = 'Saving…';
      try {
        const r = await D.api('/api/documents/' + doc.id + '/edit', { method: 'POST', body: { changes, reason: reason.value.trim() } });
        onSaved(r.message);
      } catch (err) {
        if (err.status === 401) return;
        st.className = 'status error'; st.setAttribute('role', 'alert');
        st.textContent = 'Not saved: ' + err.message;
        b.disabled = false;
      }
    });
    return s;
  }

  // Versions, when the document JSON carries them ([{version, at, actor,
  // reason, before, after}] or similar): one line each, changed fields.
  function versions(doc) {
    if (!Array.isArray(doc.versions) || !doc.versions.length) return null;
    const s = section('Versions');
    const ol = el('ol', 'dv-versions');
    for (const v of doc.versions) {
      if (!v || typeof v !== 'object') continue;
      const li = el('li');
      const head = el('div', 'dv-vhead');
      head.appendChild(el('strong', null, 'Version ' + (v.version !== undefined ? v.version : '?')));
      const ts = v.at || v.ts || v.date;
      if (ts) { head.appendChild(document.createTextNode(' · ')); head.appendChild(timeEl(ts)); }
      if (v.actor) head.appendChild(document.createTextNode(' · ' + v.actor));
      li.appendChild(head);
      if (v.reason) li.appendChild(el('div', 'dv-reason', 'Reason: ' + v.reason));
      const b = v.before, a = v.after;
      if (b && a && typeof b === 'object' && typeof a === 'object') {
        const ul = el('ul', 'dv-changes');
        for (const k of Object.keys(a)) {
          if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
          const c = el('li');
          c.appendChild(el('span', 'dv-field', (k === 'doc_date' ? 'date' : k.replace(/_/g, ' ')) + ': '));
          c.appendChild(el('del', null, b[k] === null || b[k] === undefined ? '—' : String(b[k])));
          c.appendChild(document.createTextNode(' → '));
          c.appendChild(el('ins', null, a[k] === null ? '—' : String(a[k])));
          ul.appendChild(c);
        }
        if (ul.childNodes.length) li.appendChild(ul);
      }
      ol.appendChild(li);
    }
    s.appendChild(ol);
    return s;
  }

  function historyTable(list) {
    const t = el('table', 'dv-history');
    const cap = el('caption', 'dv-sr', 'What happened to this document, newest first');
    t.appendChild(cap);
    const hr = t.createTHead().insertRow();
    for (const h of ['When', 'Who', 'What', 'Detail']) {
      const th = el('th', null, h);
      th.scope = 'col';
      hr.appendChild(th);
    }
    const tb = t.createTBody();
    for (const e of list) {
      const r = tb.insertRow();
      r.insertCell().appendChild(timeEl(e.ts));
      r.insertCell().textContent = e.actor || '';
      r.insertCell().textContent = e.action || '';
      r.insertCell().textContent = e.detail || '';
    }
    return t;
  }

  async function loadHistory(s, id) {
    const st = D.status('Loading the history…');
    s.appendChild(st);
    let list;
    try {
      list = await D.api('/api/documents/' + encodeURIComponent(id) + '/history');
    } catch (e) {
      if (e.status === 401) return;
      st.textContent = 'The history could not be loaded: ' + e.message;
      st.className = 'status error';
      return;
    }
    if (!Array.isArray(list) || !list.length) { st.textContent = 'No entries.'; return; }
    st.remove();
    if (list.length <= HISTORY_SHOWN) { s.appendChild(historyTable(list)); return; }
    const t = historyTable(list.slice(0, HISTORY_SHOWN));
    const more = button('Show all ' + list.length + ' entries', null, 'dv-more');
    more.addEventListener('click', () => { t.replaceWith(historyTable(list)); more.remove(); });
    s.append(t, more);
  }

  // "Print" and "Download copy": the archive stamps every page of the copy
  // with who took it, when and why (audited); the untouched PDF and the
  // original stay with those who may download.
  function copyForm(id) {
    const f = el('form', 'dv-copy');
    const lab = el('label', null, 'Copy for (reason)');
    const reason = el('input');
    reason.id = 'copy-reason';
    reason.placeholder = 'e.g. customer asked at the counter';
    reason.maxLength = 300;
    lab.htmlFor = reason.id;
    const pr = el('button', 'secondary', 'Print');
    const dl = el('button', 'secondary', 'Download copy');
    pr.type = dl.type = 'button';
    const st = el('span', 'dv-copy-status');
    st.setAttribute('role', 'status');
    async function take(purpose) {
      const why = reason.value.trim();
      if (why.length < 3) { st.className = 'dv-copy-status error'; st.textContent = 'Say who the copy is for, or why.'; reason.focus(); return; }
      pr.disabled = dl.disabled = true;
      st.className = 'dv-copy-status'; st.textContent = 'Stamping the copy\u2026';
      try {
        const b = await D.blob('/api/documents/' + id + '/copy', { reason: why, purpose });
        const url = URL.createObjectURL(b);
        if (purpose === 'download') {
          const a = el('a');
          a.href = url; a.download = 'document-' + id + '-copy.pdf';
          document.body.appendChild(a); a.click(); a.remove();
          st.textContent = 'Copy downloaded, stamped with your name, the time and the reason.';
        } else {
          const fr = el('iframe', 'dv-print');
          fr.title = 'Copy to print';
          fr.src = url;
          fr.addEventListener('load', () => { try { fr.contentWindow.print(); } catch (e) { window.open(url, '_blank'); } });
          document.body.appendChild(fr);
          st.textContent = 'Copy sent to print, stamped with your name, the time and the reason.';
        }
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } catch (e) {
        st.className = 'dv-copy-status error'; st.textContent = e.message;
      }
      pr.disabled = dl.disabled = false;
    }
    pr.addEventListener('click', () => take('print'));
    dl.addEventListener('click', () => take('download'));
    f.addEventListener('submit', (e) => { e.preventDefault(); take('download'); });
    f.append(lab, reason, pr, dl, st);
    return f;
  }

  D.screen('doc', {
    title: 'document',
    render: async (view, r) => {
      const id = r.args[0] || '';
      const q = (r.params.get('q') || '').trim();
      const root = el('div', 'dv');
      view.appendChild(root);
      const top = el('div', 'dv-top');
      if (q) top.appendChild(link('#/search?' + new URLSearchParams({ q }), '← Back to results', 'dv-back'));
      root.appendChild(top);
      const st = D.status('Opening document ' + id + '…');
      root.appendChild(st);
      if (!/^\d+$/.test(id)) {
        st.replaceWith(D.status('No such document: “' + id + '” is not a document number.', true));
        return;
      }

      let doc;
      const hitsP = q ? D.api('/api/documents/' + id + '/hits?' + new URLSearchParams({ q })).catch((e) => e) : Promise.resolve(null);
      try {
        doc = await D.api('/api/documents/' + id);
      } catch (e) {
        if (e.status === 401) return;
        st.replaceWith(D.status(openError(e, id), true));
        if (e.status === 403 && D.may('view') && D.accessRequest)
          root.appendChild(D.accessRequest('document', id, 'document ' + id));
        return;
      }
      if (!root.isConnected) return;
      const pages = Array.isArray(doc.pages) ? doc.pages : [];
      const title = doc.title || ('Document ' + doc.id);
      document.title = 'dossier: ' + title;

      // Heading: title, archive number, customer.
      const h = el('h2', 'dv-title', title);
      h.tabIndex = -1;
      const sub = el('p', 'dv-sub');
      const subParts = [];
      if (doc.archive_no) subParts.push('Archive no. ' + doc.archive_no);
      if (doc.category) subParts.push(doc.category + (doc.doc_type ? ' / ' + doc.doc_type : ''));
      if (doc.date) subParts.push('dated ' + doc.date);
      if (doc.account) subParts.push('account ' + doc.account);
      sub.textContent = subParts.join(' · ');
      if (doc.customer && doc.customer.number) {
        if (subParts.length) sub.appendChild(document.createTextNode(' · '));
        sub.appendChild(link('#/customer/' + encodeURIComponent(doc.customer.number),
          'customer ' + doc.customer.number + (doc.customer.name ? ' (' + doc.customer.name + ')' : '')));
      }
      if (doc.status && doc.status !== 'archived') sub.appendChild(el('span', 'dv-flag', doc.status));
      const headText = el('div', 'dv-headtext');
      headText.append(h, sub);
      const saved = sessionStorage.getItem('dv-saved');
      if (saved && saved.startsWith(doc.id + ':')) {
        sessionStorage.removeItem('dv-saved');
        headText.appendChild(D.status('Saved: ' + saved.slice(String(doc.id).length + 1) + '. The old values are kept as a version (below).'));
      }
      // Words read with low confidence, over the whole document.
      const below0 = typeof doc.unsure_below === 'number' ? doc.unsure_below : 60;
      const nUnsure = (Array.isArray(doc.pages) ? doc.pages : []).reduce((t, p) =>
        t + (Array.isArray(p.words) ? p.words.filter((w) => Array.isArray(w) && typeof w[5] === 'number' && w[5] < below0).length : 0), 0);
      if (nUnsure) {
        const u = el('p', 'dv-unsurenote');
        u.textContent = nUnsure + ' word' + (nUnsure === 1 ? ' was' : 's were') + ' read with less than ' + below0 +
          ' % confidence: they are underlined in the text and framed on the page. Check figures against the image.';
        headText.appendChild(u);
      }
      top.appendChild(headText);
      // A copy for someone: stamped on every page with who, when and why.
      if (doc.pdf) top.appendChild(copyForm(id));
      if (D.may('download')) {
        const dl = el('div', 'dv-downloads');
        const o = link('/api/documents/' + id + '/original', 'Download original');
        o.setAttribute('download', '');
        dl.appendChild(o);
        if (doc.pdf) {
          const p = link('/api/documents/' + id + '/pdf', 'Searchable PDF');
          p.target = '_blank';
          p.rel = 'noopener';
          dl.appendChild(p);
        }
        top.appendChild(dl);
      }

      if (!pages.length) {
        st.replaceWith(D.status('This document has no pages.'));
        return;
      }

      // Toolbar: pages, zoom, matches.
      const bar = el('div', 'dv-bar');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', 'Pages and zoom');
      const prev = button('‹ Previous', 'Previous page (P)');
      const next = button('Next ›', 'Next page (N)');
      const pageLab = el('span', 'dv-pageno');
      pageLab.setAttribute('aria-live', 'polite');
      const zout = button('−', 'Zoom out (−)');
      const zin = button('+', 'Zoom in (+)');
      const zfit = button('Fit width', 'Fit width (0)');
      const zlab = el('span', 'dv-zoom');
      const grpPage = el('span', 'dv-grp');
      grpPage.append(prev, pageLab, next);
      const grpZoom = el('span', 'dv-grp');
      grpZoom.append(zout, zlab, zin, zfit);
      const hitInfo = el('span', 'dv-hitinfo');
      hitInfo.setAttribute('aria-live', 'polite');
      const keys = el('span', 'dv-keys', 'Keys: + − zoom, 0 fit, N / P or ← → page');
      bar.append(grpPage, grpZoom, hitInfo, keys);

      // Page list, page image, text.
      const main = el('div', 'dv-main');
      const nav = el('nav', 'dv-pages');
      nav.setAttribute('aria-label', 'Pages of this document');
      const ol = el('ol');
      nav.appendChild(ol);
      const stage = el('div', 'dv-stage');
      stage.tabIndex = 0;
      stage.setAttribute('role', 'region');
      stage.setAttribute('aria-label', 'Page image');
      const sheet = el('div', 'dv-sheet');
      const img = el('img', 'dv-img');
      img.decoding = 'async';
      const overlay = el('div', 'dv-overlay');
      overlay.setAttribute('aria-hidden', 'true');
      const imgNote = el('p', 'dv-imgnote');
      sheet.append(img, overlay);
      stage.append(sheet, imgNote);
      const side = el('aside', 'dv-side');
      side.setAttribute('aria-label', 'Text of the page');
      main.append(nav, stage, side);

      // Metadata, barcodes, versions, history.
      const below = el('div', 'dv-below');
      const barcodeSec = section('Barcodes on this page');
      const histSec = section('History');
      const col2 = el('div', 'dv-col');
      col2.appendChild(barcodeSec);
      const vs = versions(doc);
      if (vs) col2.appendChild(vs);
      const col1 = el('div', 'dv-col');
      col1.appendChild(details(doc));
      if (D.may('edit') && doc.status !== 'purged')
        col1.appendChild(editForm(doc, (message) => {
          sessionStorage.setItem('dv-saved', doc.id + ':' + message);
          D.go(docHash(id, q, pages[cur] ? pages[cur].seq : 1));
        }));
      below.append(col1, col2, histSec);

      st.replaceWith(bar);
      root.append(main, below);

      // Matches: {seq: boxes}; null until known or when there are none.
      let hits = null;
      const terms = queryTerms(q);
      const hitCount = (seq) => (hits && hits[seq] ? hits[seq].length : 0);

      const thumbs = [];
      pages.forEach((p, i) => {
        const seq = p.seq || i + 1;
        const li = el('li');
        const a = link(docHash(id, q, seq), null, 'dv-thumb');
        const ti = el('img');
        ti.alt = '';
        ti.loading = 'lazy';
        ti.src = '/api/documents/' + id + '/pages/' + seq + '/thumb';
        if (p.width && p.height) { ti.width = 96; ti.height = Math.round(96 * p.height / p.width); }
        const cap = el('span', 'dv-thumbcap', 'Page ' + seq);
        const badge = el('span', 'dv-badge');
        badge.hidden = true;
        a.append(ti, cap, badge);
        a.addEventListener('click', (e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          show(i, true);
        });
        li.appendChild(a);
        ol.appendChild(li);
        thumbs.push({ a, badge });
      });

      let cur = -1;          // index into pages
      let zoom = null;       // null: fit width; else the width shown (CSS px)
      let loadedW = 0;       // width of the image now shown
      let loadToken = 0;

      const dpr = () => window.devicePixelRatio || 1;
      const fitCss = () => {
        const cs = getComputedStyle(stage);
        return Math.max(100, stage.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight));
      };
      const curCss = () => (zoom === null ? fitCss() : zoom);
      // The width to ask the server for: screen pixels, in steps of 100.
      const curW = () => clamp(Math.ceil(curCss() * dpr() / 100) * 100, MIN_W, MAX_W);

      function imageUrl(seq, w) {
        return '/api/documents/' + id + '/pages/' + seq + '/image?w=' + w;
      }

      // Sizes the sheet; the boxes are in per cent of it, so they follow.
      function layout() {
        const cssW = curCss();
        sheet.style.width = Math.round(cssW) + 'px';
        zlab.textContent = Math.round(100 * cssW / fitCss()) + ' %';
        zlab.title = zoom === null ? 'The page fits the width' : 'Of the width that fits';
        zin.disabled = !STEPS.some((s) => s > cssW * 1.1);
        zout.disabled = !STEPS.some((s) => s < cssW * 0.9);
        zfit.disabled = zoom === null;
      }

      function loadImage(force) {
        const p = pages[cur];
        const w = curW();
        // Zooming out or a smaller window keeps the sharper image loaded.
        if (!force && w <= loadedW) return;
        const token = ++loadToken;
        loadedW = w;
        sheet.classList.add('loading');
        imgNote.textContent = 'Loading page ' + p.seq + '…';
        imgNote.className = 'dv-imgnote';
        img.onload = () => {
          if (token !== loadToken) return;
          sheet.classList.remove('loading');
          imgNote.textContent = '';
        };
        img.onerror = async () => {
          if (token !== loadToken) return;
          sheet.classList.remove('loading');
          let why = '';
          try { const r2 = await fetch(imageUrl(p.seq, w)); const b = await r2.json(); why = b.error || ''; } catch (e) { /* none */ }
          imgNote.textContent = 'The image of page ' + p.seq + ' could not be shown' + (why ? ': ' + why : '.');
          imgNote.className = 'dv-imgnote error';
        };
        img.src = imageUrl(p.seq, w);
      }

      function drawBoxes() {
        overlay.replaceChildren();
        const p = pages[cur];
        if (p.width && p.height && Array.isArray(p.words))
          for (const w of p.words) {
            if (!Array.isArray(w) || w.length < 6 || !(w[5] < below0)) continue;
            const d = el('div', 'dv-unsurebox');
            d.style.left = (100 * w[1] / p.width) + '%';
            d.style.top = (100 * w[2] / p.height) + '%';
            d.style.width = (100 * w[3] / p.width) + '%';
            d.style.height = (100 * w[4] / p.height) + '%';
            overlay.appendChild(d);
          }
        const boxes = hits && hits[p.seq];
        if (!boxes || !p.width || !p.height) return;
        for (const b of boxes) {
          if (!Array.isArray(b) || b.length < 4) continue;
          const d = el('div', 'dv-hl');
          d.style.left = (100 * b[0] / p.width) + '%';
          d.style.top = (100 * b[1] / p.height) + '%';
          d.style.width = (100 * b[2] / p.width) + '%';
          d.style.height = (100 * b[3] / p.height) + '%';
          overlay.appendChild(d);
        }
      }

      function drawText() {
        const p = pages[cur];
        side.replaceChildren();
        const head = el('h3', null, 'Text of page ' + p.seq);
        side.appendChild(head);
        const info = [];
        if (p.ocr_confidence !== undefined && p.ocr_confidence !== null) info.push('read by OCR, confidence ' + Math.round(p.ocr_confidence) + ' %');
        if (p.text_version > 1) info.push('corrected (text version ' + p.text_version + ')');
        if (p.blank) info.push('blank page');
        if (info.length) side.appendChild(el('p', 'dv-ocrinfo', info.join('; ')));
        const text = p.text || '';
        if (!text.trim()) { side.appendChild(el('p', 'dv-none', 'No text was read on this page.')); return; }
        // The words under the page's boxes; without boxes (no matches here,
        // no such endpoint, or text corrected after OCR) the query's words.
        const words = hits ? boxedWords(p, hits[p.seq]) : new Set();
        const isMatch = words.size ? (w) => words.has(w)
          : (w) => terms.some((t) => (t.prefix ? w.startsWith(t.word) : w === t.word));
        const unsure = unsureAt(text, p.words, below0);
        const [pre, n] = markedText(text, q ? isMatch : () => false, unsure);
        pre.tabIndex = 0;
        pre.setAttribute('aria-label', 'Text of page ' + p.seq);
        side.appendChild(pre);
        if (q && n) head.appendChild(el('span', 'dv-count', ' · ' + n + ' marked'));
        const nu = Array.isArray(p.words) ? p.words.filter((w) => Array.isArray(w) && w[5] < below0).length : 0;
        if (nu) head.appendChild(el('span', 'dv-count dv-unsurecount', ' · ' + nu + ' uncertain'));
      }

      function drawBarcodes() {
        const p = pages[cur];
        barcodeSec.querySelector('h3').textContent = 'Barcodes on page ' + p.seq;
        barcodeSec.querySelectorAll(':scope > :not(h3)').forEach((n) => n.remove());
        const list = Array.isArray(p.barcodes) ? p.barcodes : [];
        if (!list.length) { barcodeSec.appendChild(el('p', 'dv-none', 'None found.')); return; }
        const ul = el('ul', 'dv-barcodes');
        for (const b of list) {
          const li = el('li');
          if (b && typeof b === 'object') {
            if (b.type) li.appendChild(el('span', 'dv-field', b.type + ': '));
            li.appendChild(el('code', null, b.value !== undefined ? String(b.value) : JSON.stringify(b)));
          } else li.appendChild(el('code', null, String(b)));
          ul.appendChild(li);
        }
        barcodeSec.appendChild(ul);
      }

      function drawHitInfo() {
        if (!q) return;
        if (hits === null) { hitInfo.textContent = ''; return; }
        const total = Object.values(hits).reduce((s, b) => s + b.length, 0);
        const here = hitCount(pages[cur].seq);
        if (!total) { hitInfo.textContent = 'No matches for “' + q + '” could be boxed on the page images.'; return; }
        const onPages = pages.filter((p) => hitCount(p.seq) > 0).map((p) => p.seq);
        hitInfo.textContent = here + ' match' + (here === 1 ? '' : 'es') + ' on this page; ' + total + ' on page' +
          (onPages.length === 1 ? ' ' : 's ') + onPages.join(', ') + '.';
      }

      // Shows page index i; keeps the address in step without re-rendering.
      function show(i, fromUser) {
        i = clamp(i, 0, pages.length - 1);
        if (i === cur) return;
        cur = i;
        const p = pages[i];
        if (p.width && p.height) {
          img.width = p.width;
          img.height = p.height;
          sheet.style.aspectRatio = p.width + ' / ' + p.height;
        }
        img.alt = 'Page ' + p.seq + ' of ' + pages.length + ': ' + title;
        pageLab.textContent = 'Page ' + p.seq + ' of ' + pages.length;
        prev.disabled = i === 0;
        next.disabled = i === pages.length - 1;
        thumbs.forEach((t, k) => t.a.setAttribute('aria-current', k === i ? 'page' : 'false'));
        const ta = thumbs[i].a;
        if (ta.offsetTop < nav.scrollTop || ta.offsetTop + ta.offsetHeight > nav.scrollTop + nav.clientHeight)
          nav.scrollTop = Math.max(0, ta.offsetTop - 8);
        layout();
        loadImage(true);
        drawBoxes();
        drawText();
        drawBarcodes();
        drawHitInfo();
        stage.scrollTop = 0;
        stage.scrollLeft = 0;
        if (fromUser) {
          history.replaceState(null, '', docHash(id, q, p.seq));
          scrollToHit();
        }
      }

      // Brings the page's first match into view inside the stage.
      function scrollToHit() {
        const p = pages[cur];
        const b = hits && hits[p.seq] && hits[p.seq][0];
        if (!b || !p.height) return;
        const y = sheet.offsetTop + sheet.clientHeight * b[1] / p.height;
        if (y > stage.clientHeight * 0.8) stage.scrollTop = Math.max(0, y - stage.clientHeight / 3);
      }

      // Zoom keeps the middle of the view where it was.
      function setZoom(z) {
        const fx = (stage.scrollLeft + stage.clientWidth / 2) / Math.max(1, stage.scrollWidth);
        const fy = (stage.scrollTop + stage.clientHeight / 2) / Math.max(1, stage.scrollHeight);
        zoom = z;
        layout();
        stage.scrollLeft = fx * stage.scrollWidth - stage.clientWidth / 2;
        stage.scrollTop = fy * stage.scrollHeight - stage.clientHeight / 2;
        loadImage(false);
      }
      function zoomIn() {
        const w = curCss(), s = STEPS.find((x) => x > w * 1.1);
        if (s) setZoom(s);
      }
      function zoomOut() {
        const w = curCss(), s = STEPS.slice().reverse().find((x) => x < w * 0.9);
        if (s) setZoom(s);
      }

      prev.addEventListener('click', () => show(cur - 1, true));
      next.addEventListener('click', () => show(cur + 1, true));
      zin.addEventListener('click', zoomIn);
      zout.addEventListener('click', zoomOut);
      zfit.addEventListener('click', () => setZoom(null));

      // Keys, while this screen is shown (the listener leaves with it).
      function onKey(e) {
        if (!root.isConnected) { document.removeEventListener('keydown', onKey); return; }
        if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
        const t = e.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
        const canPanX = stage.scrollWidth > stage.clientWidth + 1 && stage.contains(t);
        let done = true;
        switch (e.key) {
          case '+': case '=': zoomIn(); break;
          case '-': case '_': case '−': zoomOut(); break;
          case '0': setZoom(null); break;
          case 'n': case 'N': show(cur + 1, true); break;
          case 'p': case 'P': show(cur - 1, true); break;
          case 'ArrowRight': if (canPanX) done = false; else show(cur + 1, true); break;
          case 'ArrowLeft': if (canPanX) done = false; else show(cur - 1, true); break;
          default: done = false;
        }
        if (done) e.preventDefault();
      }
      document.addEventListener('keydown', onKey);

      // At fit width the sheet follows the window; a bigger window asks
      // for a sharper image (after the resizing stops).
      let resizeTimer = 0;
      const ro = new ResizeObserver(() => {
        if (!root.isConnected) { ro.disconnect(); return; }
        if (zoom !== null) return;
        layout();
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => { if (root.isConnected && zoom === null) loadImage(false); }, 250);
      });

      const want = parseInt(r.params.get('page') || '', 10);
      let start = Number.isFinite(want) ? pages.findIndex((p) => p.seq === want) : 0;
      if (start < 0) start = clamp(want - 1, 0, pages.length - 1);
      show(start, false);
      ro.observe(stage);
      h.focus({ preventScroll: true });
      loadHistory(histSec, id);

      // Matches arrive after the document; without a page in the address
      // the first page with matches is shown.
      if (q) {
        hitInfo.textContent = 'Finding “' + q + '” on the pages…';
        const res = await hitsP;
        if (!root.isConnected) return;
        if (res && !(res instanceof Error) && Array.isArray(res.pages)) {
          hits = {};
          for (const hp of res.pages) if (hp && Array.isArray(hp.boxes)) hits[hp.seq] = hp.boxes;
        } else if (res instanceof Error && res.status === 401) return;
        // 400/404 (an unknown query or no such endpoint yet): no boxes.
        thumbs.forEach((t, k) => {
          const n = hitCount(pages[k].seq);
          t.badge.hidden = !n;
          t.badge.textContent = n ? n + (n === 1 ? ' match' : ' matches') : '';
        });
        if (hits && !Number.isFinite(want) && !hitCount(pages[cur].seq)) {
          const first = pages.findIndex((p) => hitCount(p.seq) > 0);
          if (first >= 0) { show(first, true); return; }
        }
        drawBoxes();
        drawText();
        drawHitInfo();
        scrollToHit();
        if (!hits) hitInfo.textContent = '';
      }
    },
  });
})();
