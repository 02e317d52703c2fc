// ledger.js: the public digests of the vote ledger (issue 16): today's
// running root and the published days, from GET /api/v1/ledger.
(function () {
  'use strict';
  const ND = window.ND, $ = ND.$, el = ND.el;
  document.addEventListener('DOMContentLoaded', async () => {
    try {
      const d = await ND.api('GET', '/ledger');
      const t = d.today;
      $('today').textContent = ND.date(t.date, true) + ' · ' + ND.num(t.votes) + ' lượt bình chọn, ' + ND.num(t.voids) +
        ' hủy, ' + ND.num(t.restores) + ' khôi phục · mã gốc tạm thời ' + t.root;
      $('days').replaceChildren(...d.days.map((x) => {
        const tr = el('tr');
        [ND.date(x.date, true), x.root, ND.num(x.votes), ND.num(x.voids), ND.num(x.restores)].forEach((v, i) => {
          tr.appendChild(el('td', i === 1 ? { class: 'mono' } : null, String(v)));
        });
        return tr;
      }));
      $('days-empty').hidden = d.days.length > 0;
    } catch (e) { ND.showError($('error'), e); }
  });
}());
