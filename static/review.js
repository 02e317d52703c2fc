// review.js: votes under review (“đang xác minh”) and appeals (issue 16).
// An entrant sees the counts and reasons for their entries and files an
// appeal; a judge or admin sets the contest's fraud rules (each explained
// here), confirms or voids held votes in bulk with a reason, and an admin
// answers appeals.  Every decision is audited by the server.
(function () {
  'use strict';
  const ND = window.ND, $ = ND.$, el = ND.el;
  const RULES = {
    burst_prefix: ['Nhiều lượt bình chọn từ một mạng (/24)',
      'Từ “số lượt bình chọn tối thiểu” lượt bình chọn trở lên đến từ cùng một dải địa chỉ mạng (/24, hay /48 với IPv6) trong “khoảng thời gian” phút, cho bất kỳ ảnh nào. Lưu ý: người dùng 4G có thể chung địa chỉ với nhau, nên hãy đặt ngưỡng rộng rãi.'],
    fresh_accounts: ['Tài khoản mới bình chọn dồn dập',
      'Từ “số lượt bình chọn tối thiểu” lượt bình chọn trở lên cho cùng một ảnh trong “khoảng thời gian” phút, của các tài khoản được tạo chưa quá “tuổi tài khoản” giờ khi bình chọn.'],
    shared_device: ['Nhiều tài khoản trên một thiết bị',
      'Từ “số lượt bình chọn tối thiểu” tài khoản trở lên bình chọn với cùng một dấu vết trình duyệt (mã băm của thông tin trình duyệt) trong “khoảng thời gian” phút. Nhiều điện thoại cùng loại có dấu vết giống nhau: đặt ngưỡng cao.'],
    vote_pow: ['Thử thách chống máy bình chọn',
      'Mỗi lượt bình chọn, trình duyệt phải giải một thử thách tính toán nhỏ (dưới một giây trên điện thoại tầm trung) do chính máy chủ cấp; mỗi lời giải chỉ dùng được một lần. Mặc định tắt.']
  };
  const FIELDS = [['min_votes', 'Số lượt bình chọn tối thiểu', 2, 100000],
    ['window_minutes', 'Khoảng thời gian (phút)', 1, 10080],
    ['max_age_hours', 'Tuổi tài khoản (giờ)', 1, 8760]];
  let slug = null;

  function fail(e) { ND.showError($('error'), e); }
  function ruleName(r) { return (RULES[r] || [r])[0]; }

  async function loadMine() {
    const m = await ND.api('GET', '/me/review');
    const body = $('mine-body');
    body.textContent = '';
    m.entries.forEach((e) => {
      const tr = el('tr');
      tr.appendChild(el('td', null, e.title || ('#' + e.entry)));
      tr.appendChild(el('td', null, ND.num(e.under_review)));
      tr.appendChild(el('td', null, ND.num(e.voided)));
      tr.appendChild(el('td', null, e.rules.map(ruleName).join(', ')));
      tr.appendChild(el('td', null, e.reasons.join('; ')));
      const td = el('td');
      const f = el('form', { class: 'inline-form' });
      const ta = el('textarea', { maxlength: '2000', rows: '2', 'aria-label': 'Nội dung khiếu nại' });
      const b = el('button', { type: 'submit', class: 'btn small' }, 'Gửi khiếu nại');
      f.appendChild(ta); f.appendChild(b);
      f.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await ND.api('POST', '/entries/' + e.entry + '/appeals', { json: { message: ta.value } });
          ta.value = '';
          await loadMine();
        } catch (err) { fail(err); }
      });
      td.appendChild(f);
      tr.appendChild(td);
      body.appendChild(tr);
    });
    $('mine-empty').hidden = m.entries.length > 0;
    const ul = $('my-appeals');
    ul.textContent = '';
    m.appeals.forEach((a) => {
      ul.appendChild(el('li', null, ND.date(a.created_at) + ': ' + a.message + ' — ' +
        (a.answer ? 'Trả lời: ' + a.answer : 'đang chờ trả lời')));
    });
    $('mine').hidden = false;
  }

  async function loadRules() {
    const got = await ND.api('GET', '/contests/' + encodeURIComponent(slug) + '/fraud-rules');
    const box = $('rules');
    box.textContent = '';
    got.rules.forEach((r) => {
      const fs = el('fieldset', { 'data-rule': r.rule });
      fs.appendChild(el('legend', null, ruleName(r.rule)));
      fs.appendChild(el('p', { class: 'hint' }, (RULES[r.rule] || ['', ''])[1]));
      const on = el('input', { type: 'checkbox', name: 'enabled' });
      on.checked = !!r.enabled;
      const lab = el('label', { class: 'check' });
      lab.appendChild(on); lab.appendChild(document.createTextNode(' Bật'));
      fs.appendChild(lab);
      FIELDS.forEach(([k, label, min, max]) => {
        if (r[k] === undefined) return;
        const p = el('p');
        p.appendChild(el('label', null, label + ' '));
        const i = el('input', { type: 'number', name: k, min: String(min), max: String(max) });
        i.value = r[k];
        p.appendChild(i);
        fs.appendChild(p);
      });
      box.appendChild(fs);
    });
  }

  async function saveRules(ev) {
    ev.preventDefault();
    try {
      for (const fs of $('rules').querySelectorAll('fieldset')) {
        const body = { rule: fs.dataset.rule, enabled: fs.querySelector('[name=enabled]').checked };
        FIELDS.forEach(([k]) => {
          const i = fs.querySelector('[name=' + k + ']');
          if (i) body[k] = Number(i.value);
        });
        await ND.api('PUT', '/contests/' + encodeURIComponent(slug) + '/fraud-rules', { json: body });
      }
      await loadRules();
    } catch (e) { fail(e); }
  }

  async function decide(action, extra) {
    try {
      await ND.api('POST', '/contests/' + encodeURIComponent(slug) + '/review/' + action,
        { json: Object.assign({ reason: $('decide-reason').value }, extra || {}) });
      await loadHeld();
    } catch (e) { fail(e); }
  }

  async function loadHeld() {
    const got = await ND.api('GET', '/contests/' + encodeURIComponent(slug) + '/review');
    const body = $('held-body');
    body.textContent = '';
    got.held.forEach((h) => {
      const tr = el('tr');
      tr.appendChild(el('td', null, '#' + h.entry));
      tr.appendChild(el('td', null, ruleName(h.rule)));
      tr.appendChild(el('td', null, ND.num(h.votes)));
      const td = el('td');
      const ok = el('button', { type: 'button', class: 'btn small' }, 'Xác nhận');
      const no = el('button', { type: 'button', class: 'btn small reject' }, 'Hủy');
      ok.addEventListener('click', () => decide('confirm', { vote_ids: h.vote_ids }));
      no.addEventListener('click', () => decide('void', { vote_ids: h.vote_ids }));
      td.appendChild(ok); td.appendChild(no);
      tr.appendChild(td);
      body.appendChild(tr);
    });
    $('held-empty').hidden = got.held.length > 0;
  }

  async function loadAppeals() {
    let got;
    try { got = await ND.api('GET', '/admin/appeals'); } catch (e) { return; }
    const box = $('appeals');
    box.textContent = '';
    got.appeals.forEach((a) => {
      const d = el('div', { class: 'panel' });
      d.appendChild(el('p', null, a.contest + ' · ' + (a.title || '#' + a.entry) + ' · ' + a.account +
        ' · đang xác minh ' + a.under_review + ', đã hủy ' + a.voided));
      d.appendChild(el('p', null, a.message));
      if (a.answer) {
        d.appendChild(el('p', { class: 'muted' }, 'Đã trả lời (' + a.answered_by + '): ' + a.answer));
      } else {
        const ta = el('textarea', { maxlength: '2000', rows: '2', 'aria-label': 'Trả lời' });
        const b = el('button', { type: 'button', class: 'btn small' }, 'Trả lời');
        b.addEventListener('click', async () => {
          try {
            await ND.api('POST', '/admin/appeals/' + a.id + '/answer', { json: { answer: ta.value } });
            await loadAppeals();
          } catch (e) { fail(e); }
        });
        d.appendChild(ta); d.appendChild(b);
      }
      box.appendChild(d);
    });
  }

  document.addEventListener('DOMContentLoaded', async () => {
    const s = await ND.loadSession(true);
    const user = ND.session.user;
    if (!user) { location.href = ND.loginUrl(); return; }
    try { await loadMine(); } catch (e) { fail(e); }
    let c = null;
    try { c = await ND.contest(); } catch (e) { fail(e); }
    slug = c && c.slug;
    if (user.is_judge && slug) {
      $('contest-name').textContent = slug;
      $('staff').hidden = false;
      $('rules-form').addEventListener('submit', saveRules);
      $('confirm-all').addEventListener('click', () => decide('confirm'));
      $('void-all').addEventListener('click', () => decide('void'));
      try {
        await loadRules(); await loadHeld();
        // Appeals are an admin's to answer: a judge's request would be refused.
        if (user.is_admin) await loadAppeals();
      } catch (e) { fail(e); }
    }
    return s;
  });
}());
