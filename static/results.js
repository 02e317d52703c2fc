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
    loadFailed: 'Không tải được kết quả: {msg}',
    rank: 'Hạng {n}',
    won: 'Đạt giải',
    score: 'Điểm {s}',
    votesN: '{n} lượt bình chọn',
    unitScore: '{s}',
    week: 'Tuần {n}: {from} – {until}',
    weekCsv: 'Tải bảng tuần {n} (CSV)',
    voided: 'Ghi chú: {n} lượt bình chọn trong tuần này đã bị hủy sau khi chốt bảng (bảng chốt giữ nguyên).',
    voidedRow: '{n} lượt bị hủy sau khi chốt',
    noWinner: 'Chưa có bài đạt giải ở hạng mục này.',
    comment: 'Nhận xét của giám khảo {j}: ',
    next: '{title} đang nhận ảnh dự thi{until}. Mời bạn tham gia!',
    nextUntil: ' đến {d}'
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

  // One entry of a track: rank, title linked to its page, author, score.
  function standingRow(row, kind, comments) {
    const e = row.entry || {};
    const li = el('li', { class: row.winner ? 'standing won' : 'standing' });
    li.appendChild(el('span', { class: 'rank' }, fill(T.rank, { n: row.rank })));
    const a = el('a', { href: e.url || ('/e/' + e.id) }, (e.number ? '#' + e.number + ' ' : '') + (e.title || ''));
    li.appendChild(a);
    if (e.author) li.appendChild(el('span', { class: 'who' }, [e.author, e.unit].filter(Boolean).join(' · ')));
    const sc = kind === 'popularity' || kind === 'weekly'
      ? fill(T.votesN, { n: num(row.score) }) : fill(T.score, { s: score(row.score) });
    li.appendChild(el('span', { class: 'score' }, sc));
    if (row.winner) li.appendChild(el('strong', { class: 'won-tag' }, T.won));
    for (const c of (row.winner ? comments.filter((k) => k.entry_id === e.id) : [])) {
      const q = el('blockquote', { class: 'jury-comment' });
      q.append(el('strong', null, fill(T.comment, { j: c.judge })), c.comment);
      li.appendChild(q);
    }
    return li;
  }

  function unitRow(row) {
    const li = el('li', { class: row.winner ? 'standing won' : 'standing' });
    li.appendChild(el('span', { class: 'rank' }, fill(T.rank, { n: row.rank })));
    li.appendChild(el('span', { class: 'unit-name' }, (row.unit && row.unit.name) || ''));
    li.appendChild(el('span', { class: 'score' }, score(row.score)));
    if (row.winner) li.appendChild(el('strong', { class: 'won-tag' }, T.won));
    return li;
  }

  function tracks(data) {
    const comments = data.comments || [];
    $('tie-rule').textContent = data.tie_rule || '';
    $('tracks').replaceChildren(...(data.tracks || []).map((t) => {
      const sec = el('section', { class: 'track', 'data-kind': t.kind });
      sec.appendChild(el('h3', null, t.name));
      sec.appendChild(el('p', { class: 'rule' }, t.rule));
      const lists = [];
      if (t.kind === 'unit') {
        lists.push([null, (t.units || []).slice(0, Math.max(t.places + 3, 5)).map(unitRow)]);
      } else if (t.kind === 'weekly') {
        for (const w of t.weeks || []) {
          lists.push([fill(T.week, { n: w.week, from: ND.date(w.week_from), until: ND.date(w.week_until) }),
            (w.standings || []).map((r) => standingRow(r, t.kind, comments))]);
        }
      } else {
        lists.push([null, (t.standings || []).slice(0, Math.max(t.places + 3, 5))
          .map((r) => standingRow(r, t.kind, comments))]);
      }
      for (const [title, items] of lists) {
        if (title) sec.appendChild(el('h4', null, title));
        if (items.length === 0) { sec.appendChild(el('p', { class: 'sub' }, T.noWinner)); continue; }
        const ol = el('ol', { class: 'standings' });
        ol.replaceChildren(...items);
        sec.appendChild(ol);
      }
      return sec;
    }));
    $('tracks-sec').hidden = (data.tracks || []).length === 0;
    const n = data.next_contest;
    $('next-sec').hidden = !n;
    if (n) {
      $('next-text').textContent = fill(T.next, { title: n.title, until: n.submit_until ? fill(T.nextUntil, { d: ND.date(n.submit_until) }) : '' });
      $('next-link').href = n.url;
    }
  }

  async function weeks(slug) {
    let data;
    try {
      data = await api('GET', '/contests/' + encodeURIComponent(slug) + '/weeks');
    } catch (e) {
      return;
    }
    const list = (data.weeks || []).filter((w) => (w.rows || []).length > 0);
    $('weeks').replaceChildren(...list.map((w) => {
      const sec = el('section', { class: 'week' });
      sec.appendChild(el('h3', null, fill(T.week, { n: w.week, from: ND.date(w.week_from), until: ND.date(w.week_until) })));
      if (w.voided_since > 0) sec.appendChild(el('p', { class: 'notice' }, fill(T.voided, { n: num(w.voided_since) })));
      const ol = el('ol', { class: 'standings' });
      ol.replaceChildren(...w.rows.slice(0, 10).map((r) => {
        const li = standingRow({ rank: r.rank, score: r.votes, entry: r, winner: false }, 'weekly', []);
        if (r.voided_since > 0) li.appendChild(el('span', { class: 'sub' }, fill(T.voidedRow, { n: num(r.voided_since) })));
        return li;
      }));
      sec.appendChild(ol);
      sec.appendChild(el('a', { class: 'btn small', href: w.csv }, fill(T.weekCsv, { n: w.week })));
      return sec;
    }));
    $('weeks-sec').hidden = list.length === 0;
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
    await weeks(c.slug);
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
    try {
      tracks(await api('GET', '/contests/' + encodeURIComponent(c.slug) + '/tracks'));
    } catch (e) {
      if (!ND.missing(e) && e.code !== 'results_not_published') throw e;
    }
    const csv = $('csv');
    csv.href = '/api/v1/contests/' + encodeURIComponent(c.slug) + '/results.csv';
    csv.hidden = false;
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
