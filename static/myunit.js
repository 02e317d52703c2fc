// netdep profile: the account's unit (PATCH /api/v1/me), picked in the
// unit tree with the type-ahead (unitpicker.js) or, when it is not
// listed, typed as a name an admin maps later.
'use strict';

(function () {
  const T = {
    now: 'Hiện tại: {name}',
    nowUnmapped: 'Hiện tại: {name} (chưa có trong danh sách; ban tổ chức sẽ xếp sau)',
    none: 'Bạn chưa chọn đơn vị.',
    saved: 'Đã lưu đơn vị.',
    pick: 'Hãy chọn một đơn vị trong danh sách, hoặc đánh dấu “không có trong danh sách” và gõ tên.'
  };
  const { $, api, fill } = ND;

  function show(user) {
    $('unit-now').textContent = !user.unit ? T.none
      : fill(user.unit_code ? T.now : T.nowUnmapped, { name: user.unit });
  }

  async function main() {
    const user = await ND.loadSession(true);
    if (!user || !$('unit-form')) return;
    const who = await api('GET', '/session');
    show(who.user);
    $('unit-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const code = $('unit_code').value;
      const free = $('unit-unlisted').checked ? $('unit').value.trim() : '';
      if (!code && !free) { $('unit-msg').textContent = T.pick; return; }
      try {
        const r = await api('PATCH', '/me', { json: code ? { unit_code: code } : { unit: free } });
        show(r.user);
        $('unit-msg').textContent = T.saved;
      } catch (e) {
        $('unit-msg').textContent = e.message;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', () => { main().catch(() => {}); });
}());
