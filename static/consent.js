// netdep consent and data rights (issue 16): the consent texts shown
// beside their checkbox (registration, upload: data-consent names the
// kinds), and on "my entries" the participant's consents, the guardian's
// form for a participant who may be under 16, their certificates, the
// data download and the erasure of the account.
'use strict';

(function () {
  const T = {
    version: '(phiên bản {v})',
    born: 'Năm sinh: {y}.',
    noYear: 'Bạn chưa khai năm sinh.',
    guardianGiven: 'Cha, mẹ hoặc người giám hộ đã đồng ý.',
    consents: 'Bạn đã đồng ý {n} lần (thể lệ, công bố ảnh).',
    guardianSaved: 'Đã ghi nhận sự đồng ý của người giám hộ.',
    needTick: 'Người giám hộ cần đánh dấu ô đồng ý.',
    eraseDone: 'Tài khoản và dữ liệu của bạn đã được xóa.',
    cert: 'Giấy chứng nhận: {label} – {title}',
    certPending: 'đang tạo…'
  };
  const { $, el, api, fill } = ND;

  async function showTexts() {
    const boxes = document.querySelectorAll('[data-consent]');
    if (!boxes.length) return;
    const texts = await api('GET', '/consent');
    for (const box of boxes) {
      const parts = box.dataset.consent.split(' ').filter((k) => texts[k]);
      box.replaceChildren(...parts.map((k) => el('p', { class: 'hint' },
        texts[k].text + ' ' + fill(T.version, { v: texts[k].version }))));
    }
  }

  function say(id, text) { $(id).textContent = text; }

  async function showMine() {
    const mine = await api('GET', '/me/consent');
    const lines = [mine.birth_year ? fill(T.born, { y: mine.birth_year }) : T.noYear,
      fill(T.consents, { n: mine.consents.filter((c) => c.kind !== 'guardian').length })];
    if (mine.guardian_given) lines.push(T.guardianGiven);
    say('consent-now', lines.join(' '));
    $('guardian-form').hidden = !(mine.guardian_needed && !mine.guardian_given);
  }

  async function showCerts() {
    let data;
    try { data = await api('GET', '/me/certificates'); } catch (e) { return; }
    $('my-certs').replaceChildren(...(data.certificates || []).map((c) => {
      const li = el('li', {}, fill(T.cert, { label: c.label, title: c.entry_title }) + ' ');
      if (c.ready) {
        li.append(el('a', { href: '/certificates/' + c.code }, 'Xem'), ' · ',
          el('a', { href: '/certificates/' + c.code + '.pdf' }, 'PDF'), ' · ',
          el('a', { href: '/certificates/' + c.code + '.png' }, 'PNG'));
      } else {
        li.append(T.certPending);
      }
      return li;
    }));
  }

  function setupMe() {
    $('guardian-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!$('guardian-consent').checked) { say('guardian-msg', T.needTick); return; }
      try {
        await api('POST', '/me/guardian', { json: {
          guardian_name: $('guardian_name').value.trim(),
          guardian_contact: $('guardian_contact').value.trim(),
          consent: 'yes' } });
        say('guardian-msg', T.guardianSaved);
        await showMine();
      } catch (e) { say('guardian-msg', e.message); }
    });
    $('erase-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await api('POST', '/me/erase', { json: { confirm: $('erase-confirm').value.trim() } });
        say('erase-msg', T.eraseDone);
        await ND.loadSession(true);
      } catch (e) { say('erase-msg', e.message); }
    });
  }

  document.addEventListener('DOMContentLoaded', async () => {
    try {
      await showTexts();
      if (!$('my-data')) return;
      if (!await ND.loadSession(true)) return;
      setupMe();
      await showMine();
      await showCerts();
    } catch (e) {
      ND.showError('error', e);
    }
  });
}());
