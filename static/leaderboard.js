// netdep leaderboards: entries or units, today / this week / all time,
// as a list; entry rows have a thumbnail (it opens the photo viewer,
// static/viewer.js) and the one-tap vote button (static/vote.js, issue 17).
// Tabs are links and filters (category, unit, search) are chips that clear
// them: the state is in the URL.
'use strict';

(function () {
  const T = {
    title: 'Bảng xếp hạng – {title} – netdep',
    votes: 'lượt bình chọn',
    number: 'Số ',
    entriesOf: '{n} ảnh',
    period: 'Xếp hạng {period}.',
    periods: { today: 'hôm nay', week: 'tuần này', all: 'toàn cuộc thi' },
    updated: 'Cập nhật lúc {t}. Bảng tự làm mới vài giây một lần.',
    noUnits: 'Máy chủ chưa có bảng xếp hạng đơn vị. Vui lòng quay lại sau.',
    noUnit: '(chưa ghi đơn vị)',
    participants: '{n} người dự thi',
    voters: '{n} người bình chọn',
    rate: '{r} người dự thi / 100 đoàn viên',
    other: 'Khác: đơn vị chưa có trong danh sách',
    otherNames: 'gồm {names}',
    loadFailed: 'Không tải được bảng xếp hạng: {msg}'
  };
  const { $, el, api, fill, num } = ND;
  const q = new URLSearchParams(location.search);
  const kind = q.get('kind') === 'units' ? 'units' : 'entries';
  // Units are ranked over the whole contest: they have no period tabs.
  const period = kind === 'entries' && ['today', 'week'].includes(q.get('period')) ? q.get('period') : 'all';
  // Units: a level of the tree, ranked by votes or by participants per
  // 100 members (issue 15).
  const level = ['grassroots', 'branch'].includes(q.get('level')) ? q.get('level') : 'province';
  const sort = q.get('sort') === 'rate' ? 'rate' : 'votes';
  let rows = [], st = null, msg = null, contest = null;

  function tabs() {
    const periods = document.querySelector('.tabs a[data-period]');
    if (periods) periods.parentElement.hidden = kind === 'units';
    $('levels').hidden = $('sorts').hidden = kind !== 'units';
    for (const a of document.querySelectorAll('.tabs a')) {
      const u = new URLSearchParams(location.search);
      if (a.dataset.kind) u.set('kind', a.dataset.kind);
      if (a.dataset.period) u.set('period', a.dataset.period);
      if (a.dataset.level) u.set('level', a.dataset.level);
      if (a.dataset.sort) u.set('sort', a.dataset.sort);
      a.href = '/leaderboard.html?' + u;
      const on = a.dataset.kind ? a.dataset.kind === kind
        : a.dataset.level ? a.dataset.level === level
          : a.dataset.sort ? a.dataset.sort === sort : a.dataset.period === period;
      a.setAttribute('aria-current', on ? 'true' : 'false');
    }
  }

  function list() {
    const shown = rows.filter((r) => r.entry).map((r) => r.entry);
    $('board').replaceChildren(...rows.map((r) => {
      const li = el('li', { class: r.entry ? 'has-thumb' : null });
      li.appendChild(el('span', { class: 'rank' }, r.rank));
      if (r.entry) li.appendChild(NDViewer.thumb(ND.picture(r.entry.media, ''), shown, shown.indexOf(r.entry), st));
      const name = el(r.href ? 'a' : 'span', { class: 'name', href: r.href });
      name.textContent = r.label;
      const cell = el('span');
      cell.appendChild(name);
      if (r.who) cell.appendChild(el('span', { class: 'who' }, r.who));
      li.appendChild(cell);
      const count = el('span', { class: 'count', 'data-words': T.votes }, num(r.votes) + ' ' + T.votes);
      const review = ND.underReview(r); // issue 16: "đang xác minh"
      const b = !r.entry ? null : st ? ND.votes.button(r.entry, st, count, msg) : ND.votes.login(contest);
      if (!b) { li.appendChild(count); if (review) li.appendChild(review); return li; }
      const end = el('span', { class: 'act' });
      end.appendChild(count);
      end.appendChild(b);
      li.appendChild(end);
      if (review) li.appendChild(review);
      return li;
    }));
    $('board-empty').hidden = rows.length > 0;
  }

  // Category and unit narrow the entries board (a navigation, like tabs).
  function filters(c) {
    const form = $('filters'), sel = $('f-category');
    form.hidden = kind !== 'entries';
    for (const cat of c.categories || []) sel.appendChild(el('option', { value: cat.id }, cat.name));
    sel.value = q.get('category') || '';
    $('f-unit').value = q.get('unit') || '';
    sel.addEventListener('change', () => form.requestSubmit());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const u = new URLSearchParams(location.search);
      for (const [k, val] of [['category', sel.value], ['unit', $('f-unit').value.trim()]]) if (val) u.set(k, val); else u.delete(k);
      location.assign('/leaderboard.html?' + u);
    });
  }

  async function load(c) {
    const base = '/contests/' + encodeURIComponent(c.slug);
    if (kind === 'entries') {
      const f = new URLSearchParams({ limit: '20', period: period });
      for (const k of ['category', 'unit']) if (q.get(k)) f.set(k, q.get(k));
      const data = await api('GET', base + '/leaderboard?' + f);
      rows = (data.entries || []).map((r) => ({
        rank: r.rank, votes: r.votes, entry: Object.assign(r.entry, { votes: r.votes }),
        label: (r.entry.number ? T.number + r.entry.number + ' · ' : '') + r.entry.title, href: '/e/' + encodeURIComponent(r.entry.id),
        who: [r.entry.author && r.entry.author.display_name, r.entry.unit].filter(Boolean).join(' · '), under_review: r.entry.under_review
      }));
    } else {
      const data = await api('GET', base + '/leaderboard/units?limit=20&level=' + level + '&sort=' + sort);
      rows = (data.units || []).map((u, i) => ({
        rank: u.rank || i + 1, votes: Number(u.votes) || 0,
        label: u.name || T.noUnit, href: '/unit.html?code=' + encodeURIComponent(u.code),
        who: [fill(T.entriesOf, { n: num(u.entries) }), fill(T.participants, { n: num(u.participants) }),
          fill(T.voters, { n: num(u.voters) }),
          u.per_100_members !== null && u.per_100_members !== undefined
            ? fill(T.rate, { r: Number(u.per_100_members).toLocaleString('vi-VN') }) : ''].filter(Boolean).join(' · ')
      }));
      // Entries of units nobody has put in the tree yet: never lost.
      const o = data.other;
      if (o) {
        rows.push({
          rank: '–', votes: Number(o.votes) || 0, label: T.other,
          who: [fill(T.entriesOf, { n: num(o.entries) }), fill(T.participants, { n: num(o.participants) }),
            o.names && o.names.length ? fill(T.otherNames, { names: o.names.map((n) => n.name || T.noUnit).join('; ') }) : '']
            .filter(Boolean).join(' · ')
        });
      }
    }
    // The voter's state once; again for entries that came into the top
    // 20 since (their voted / own state was not asked), merged in place.
    const ids = kind === 'entries' ? rows.map((r) => r.entry.id) : [];
    if (st === null || (st && ids.some((id) => !st.asked.has(id)))) {
      const s = await ND.votes.load(c.slug, ids).catch(() => false);
      if (st && s) {
        for (const k of ['voted', 'own', 'asked']) s[k].forEach((id) => st[k].add(id));
        st.votes_left = s.votes_left;
      } else if (st === null) st = s;
      if (st) ND.votes.showLeft(st);
    }
    $('board-period').textContent = fill(T.period, { period: T.periods[period] });
    list();
    $('updated').textContent = fill(T.updated, { t: ND.date(new Date().toISOString()) });
  }

  async function main() {
    tabs();
    msg = $('vote-msg');
    const c = await ND.contest();
    contest = c;
    if (!c) { ND.showError('error', { message: ND.T.noContest }); return; }
    document.title = fill(T.title, { title: c.title });
    $('contest-name').textContent = c.title;
    filters(c);
    const chips = () => ND.filterChips($('chips'), c);
    chips();
    ND.searchBox(c.slug, T.votes, chips);
    try {
      await load(c);
    } catch (e) {
      if (kind === 'units' && ND.missing(e)) { ND.showError('error', { message: T.noUnits }); return; }
      throw e;
    }
    setInterval(() => { load(c).catch(() => {}); }, 5000);
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
