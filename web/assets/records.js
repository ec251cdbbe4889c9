// Retention and disposal (#/records): the schedule in force, what is due
// for disposal by customer and category (with the rule), proposing a
// disposal list (records managers), deciding on one (a second person who
// may approve deletions), and the signed certificates of what was
// destroyed.  Text goes in through textContent only.
'use strict';
(function () {
  const el = D.el;

  function table(cols, rows) {
    const wrap = el('div', 'rp-tablewrap');
    const t = el('table', 'rp-table');
    const tr = el('tr');
    for (const c of cols) tr.appendChild(el('th', null, c));
    const thead = el('thead'); thead.appendChild(tr);
    const tb = el('tbody');
    for (const r of rows) {
      const row = el('tr');
      for (const c of r) {
        const td = el('td');
        if (c instanceof Node) td.appendChild(c); else td.textContent = c === null || c === undefined ? '' : String(c);
        row.appendChild(td);
      }
      tb.appendChild(row);
    }
    t.append(thead, tb);
    wrap.appendChild(t);
    return wrap;
  }

  function docLink(d) {
    const a = el('a', null, d.archive_no || ('document ' + d.id));
    a.href = '#/doc/' + d.id;
    return a;
  }

  async function rules(root) {
    root.appendChild(el('h3', null, 'Retention schedule'));
    let r;
    try { r = await D.api('/api/retention/rules'); } catch (e) { root.appendChild(D.status(e.message, true)); return; }
    if (!r.length) {
      root.appendChild(D.status('No retention rules: the configuration file declares them (retain = 10y after relationship_end in a [category CODE] section).'));
      return;
    }
    root.appendChild(table(['Category', 'Document type', 'Kept'], r.map(x => [x.category, x.doc_type || 'every type', x.retain])));
  }

  async function due(root, asOf, reload) {
    const sec = el('section', 'rp-section');
    sec.appendChild(el('h3', null, 'Due for disposal'));
    root.appendChild(sec);
    let d;
    try { d = await D.api('/api/retention/due' + (asOf ? '?as_of=' + encodeURIComponent(asOf) : '')); } catch (e) {
      sec.appendChild(D.status(e.message, true)); return;
    }
    const k = d.kept_off || {};
    sec.appendChild(el('p', 'rp-summary', d.due + ' document' + (d.due === 1 ? '' : 's') + ' due by ' + d.as_of +
      (k.legal_hold + k.deletion + k.disposal ? '; kept off the list: ' + k.legal_hold + ' under a legal hold, ' +
        k.deletion + ' with an open deletion, ' + k.disposal + ' on a list under way' : '') + '.'));
    if (!d.documents.length) return;
    // By customer, then category: one table per customer.
    let cur = null, rows = [];
    const flush = () => {
      if (!cur) return;
      sec.appendChild(el('h4', null, cur));
      sec.appendChild(table(['Document', 'Category', 'Type', 'Title', 'Rule', 'Counted from', 'Due'], rows));
    };
    for (const x of d.documents) {
      const who = x.customer ? 'Customer ' + x.customer + (x.customer_name ? ' (' + x.customer_name + ')' : '') : 'No customer';
      if (who !== cur) { flush(); cur = who; rows = []; }
      rows.push([docLink(x), x.category, x.doc_type || '', x.title || '', x.rule, x.trigger + ' ' + x.trigger_date, x.due]);
    }
    flush();
    if (D.may('dispose')) {
      const f = el('form', 'rp-filters rp-propose');
      f.appendChild(el('h4', null, 'Propose these documents for disposal'));
      const fields = el('div', 'rp-fields');
      const box = el('div', 'rp-field');
      const l = el('label', null, 'Note (why)');
      const note = el('input');
      note.id = 'dispose-note'; l.htmlFor = note.id;
      note.placeholder = 'e.g. annual retention review ' + d.as_of.slice(0, 4);
      box.append(l, note);
      const b = el('div', 'rp-buttons');
      const go = el('button', null, 'Propose disposal list');
      go.type = 'submit';
      b.appendChild(go);
      fields.append(box, b);
      const st = el('div', 'rp-form-status');
      f.append(fields, st);
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        go.disabled = true;
        try {
          const r = await D.api('/api/disposals', { method: 'POST', body: { note: note.value.trim(), as_of: d.as_of } });
          st.replaceChildren(D.status(r.message));
          setTimeout(reload, 800);
        } catch (err) { st.replaceChildren(D.status(err.message, true)); go.disabled = false; }
      });
      sec.appendChild(f);
    }
  }

  async function lists(root, reload) {
    const sec = el('section', 'rp-section');
    sec.appendChild(el('h3', null, 'Disposal lists'));
    root.appendChild(sec);
    let l;
    try { l = await D.api('/api/disposals'); } catch (e) {
      if (e.status === 403) return;
      sec.appendChild(D.status(e.message, true)); return;
    }
    if (!l.length) { sec.appendChild(D.status('No disposal list yet.')); return; }
    const rows = l.map(x => {
      const acts = el('span', 'rp-acts');
      if (x.status === 'proposed' && D.may('approve') && x.proposed_by !== D.me().user) {
        const ap = el('button', null, 'Approve');
        const rf = el('button', 'rp-secondary', 'Refuse');
        ap.type = rf.type = 'button';
        const st = el('span', 'rp-form-status');
        ap.addEventListener('click', async () => {
          ap.disabled = rf.disabled = true;
          try { const r = await D.api('/api/disposals/' + x.id + '/approve', { method: 'POST', body: {} }); st.replaceChildren(D.status(r.message)); setTimeout(reload, 800); }
          catch (e) { st.replaceChildren(D.status(e.message, true)); ap.disabled = rf.disabled = false; }
        });
        rf.addEventListener('click', async () => {
          const why = window.prompt('Why is this list refused?');
          if (!why) return;
          try { const r = await D.api('/api/disposals/' + x.id + '/refuse', { method: 'POST', body: { note: why } }); st.replaceChildren(D.status(r.message)); setTimeout(reload, 800); }
          catch (e) { st.replaceChildren(D.status(e.message, true)); }
        });
        acts.append(ap, document.createTextNode(' '), rf, st);
      }
      for (const c of x.certificates || []) {
        const a = el('a', null, 'Certificate ' + c);
        a.href = '/api/certificates/' + c;
        a.setAttribute('download', 'disposal-certificate-' + c + '.json');
        acts.append(document.createTextNode(' '), a);
      }
      return [String(x.id), x.status, x.as_of, x.documents + ' (' + x.destroyed + ' destroyed, ' + x.kept + ' kept, ' + x.pending + ' pending)',
        x.proposed_by + ': ' + x.note, x.decided_by ? x.decided_by + (x.hold_until ? ', held until ' + x.hold_until : '') : '', acts];
    });
    sec.appendChild(table(['List', 'Status', 'Due by', 'Documents', 'Proposed', 'Decided', ''], rows));
  }

  async function render(view, route) {
    const root = el('div', 'rp-screen rp-records');
    view.appendChild(root);
    root.appendChild(el('h2', null, 'Retention and disposal'));
    const asOf = (route.params.get('as_of') || '').trim();
    const reload = () => D.go('#/records' + (asOf ? '?as_of=' + encodeURIComponent(asOf) : ''));
    await rules(root);
    if (D.may('report')) await due(root, asOf, reload);
    await lists(root, reload);
  }

  D.screen('records', { title: 'Retention and disposal', render });
})();
