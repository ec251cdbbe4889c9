// dossier access requests: where a document or a customer's dossier is
// out of one's scope, a form asks a manager for it (a borrow request
// with a reason and a number of days, POST /api/grants); its state shows
// on the landing screen.  D.accessRequest(kind, id, label) returns the
// box to put under the refusal.
'use strict';
(function () {
  const { el } = D;

  D.accessRequest = function (kind, id, label) {
    const box = el('section', 'access');
    box.appendChild(el('h3', null, 'Ask for access'));
    box.appendChild(el('p', null, 'A manager whose unit holds ' + label +
      ' can lend it to you for a few days: you may then find, open and download it. Say why you need it.'));
    const f = el('form', 'access-form');
    const wr = el('div', 'field access-reason');
    const lr = el('label', null, 'Reason');
    lr.htmlFor = 'access-reason';
    const reason = el('input');
    Object.assign(reason, { id: 'access-reason', maxLength: 500 });
    reason.placeholder = 'e.g. complaint 2024-117 from this customer';
    wr.append(lr, reason);
    const wd = el('div', 'field');
    const ld = el('label', null, 'For how many days');
    ld.htmlFor = 'access-days';
    const days = el('input');
    Object.assign(days, { id: 'access-days', type: 'number', min: 1, max: 90, value: 7 });
    wd.append(ld, days);
    const b = el('button', null, 'Request access');
    b.type = 'submit';
    const st = D.status('');
    f.append(wr, wd, b);
    box.append(f, st);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) {
        st.className = 'status error'; st.textContent = 'Say why you need it.'; reason.focus(); return;
      }
      b.disabled = true;
      const body = { reason: reason.value.trim(), days: Number(days.value) || 7 };
      if (kind === 'customer') body.customer = String(id); else body.document = Number(id);
      try {
        const r = await D.api('/api/grants', { method: 'POST', body });
        f.hidden = true;
        st.className = 'status';
        st.textContent = r.message.charAt(0).toUpperCase() + r.message.slice(1) + '. Its state is on your home screen.';
      } catch (err) {
        if (err.status === 401) return;
        st.className = 'status error'; st.setAttribute('role', 'alert');
        st.textContent = 'The request was not sent: ' + err.message;
        b.disabled = false;
      }
    });
    return box;
  };
})();
