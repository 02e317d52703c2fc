// netdep results page: prizes and the final ranking, asked of the server
// only once the contest says its results are published.
'use strict';

(function () {
  const T = {
    title: 'Kết quả – {title} – netdep',
    notYet: 'Kết quả chưa được công bố.',
    notYetAt: 'Kết quả sẽ được công bố lúc {d}.',
    notReady: 'Trang kết quả chưa sẵn sàng trên máy chủ. Vui lòng quay lại sau.',
    empty: 'Kết quả đã công bố, nhưng cuộc thi không có ảnh dự thi nào được xếp hạng.',
    prizes: {
      first: 'Giải Nhất', second: 'Giải Nhì', third: 'Giải Ba',
      consolation: 'Giải Khuyến khích', most_voted: 'Giải Bình chọn nhiều nhất'
    },
    votes: 'lượt bình chọn',
    cols: ['Hạng', 'Ảnh dự thi', 'Tác giả', 'Lượt bình chọn', 'Điểm giám khảo', 'Điểm chung cuộc'],
    loadFailed: 'Không tải được kết quả: {msg}'
  };
  const { $, el, api, fill, num } = ND;
  const score = (x) => (x === null || x === undefined || x === '' ? '–'
    : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(Number(x)));

  function prizes(list) {
    $('prizes').replaceChildren(...list.map((p) => {
      const e = p.entry || p;
      const li = ND.card({ id: e.id || p.entry_id, title: e.title, media: e.media, author: e.author, unit: e.unit, votes: e.votes }, T.votes);
      li.querySelector('.body').prepend(el('p', { class: 'prize' }, T.prizes[p.prize] || p.prize));
      return li;
    }));
    $('prizes-sec').hidden = list.length === 0;
  }

  function ranking(list) {
    const t = $('ranking');
    const head = el('tr');
    for (const c of T.cols) head.appendChild(el('th', { scope: 'col' }, c));
    const thead = el('thead');
    thead.appendChild(head);
    const tbody = el('tbody');
    for (const r of list) {
      const e = r.entry || r;
      const tr = el('tr');
      tr.appendChild(el('td', { class: 'n' }, r.rank));
      const td = el('td');
      td.appendChild(el('a', { href: '/e/' + encodeURIComponent(e.id || r.entry_id) }, e.title));
      tr.appendChild(td);
      tr.appendChild(el('td', null, [e.author && e.author.display_name, e.unit].filter(Boolean).join(' · ')));
      tr.appendChild(el('td', { class: 'n' }, num(r.votes !== undefined ? r.votes : e.votes)));
      tr.appendChild(el('td', { class: 'n' }, score(r.jury_score)));
      tr.appendChild(el('td', { class: 'n' }, score(r.combined)));
      tbody.appendChild(tr);
    }
    t.replaceChildren(thead, tbody);
    $('ranking-sec').hidden = list.length === 0;
  }

  function notice(s) {
    $('notice').textContent = s;
    $('notice').hidden = false;
  }

  async function main() {
    const c = await ND.contest();
    if (!c) { ND.showError('error', { message: ND.T.noContest }); return; }
    document.title = fill(T.title, { title: c.title });
    $('contest-name').textContent = c.title;
    if (c.phase !== 'results') {
      notice(c.results_at ? fill(T.notYetAt, { d: ND.date(c.results_at) }) : T.notYet);
      return;
    }
    let data;
    try {
      data = await api('GET', '/contests/' + encodeURIComponent(c.slug) + '/results');
    } catch (e) {
      if (ND.missing(e)) { notice(T.notReady); return; }
      if (e.code === 'results_not_published') { notice(T.notYet); return; }
      throw e;
    }
    const r = data.results || data;
    const list = r.ranking || r.entries || [];
    prizes(r.prizes || []);
    ranking(list);
    if (list.length === 0) notice(T.empty);
    const csv = $('csv');
    csv.href = '/api/v1/contests/' + encodeURIComponent(c.slug) + '/results.csv';
    csv.hidden = false;
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
