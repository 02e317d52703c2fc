// netdep home page: the current contest, its phase and a countdown to the
// next deadline, the newest approved entries and the top of the board.
'use strict';

(function () {
  const T = {
    title: '{title} – netdep',
    loadFailed: 'Không tải được dữ liệu: {msg}',
    votes: 'lượt bình chọn',
    submitFrom: 'Bắt đầu nhận ảnh: {d}',
    submitUntil: 'Hạn gửi ảnh: {d}',
    voteFrom: 'Bắt đầu bình chọn: {d}',
    voteUntil: 'Hạn bình chọn: {d}',
    resultsAt: 'Công bố kết quả: {d}',
    until: {
      submit_from: 'Còn lại đến khi mở nhận ảnh',
      submit_until: 'Thời gian còn lại để gửi ảnh',
      vote_from: 'Còn lại đến khi mở bình chọn',
      vote_until: 'Thời gian còn lại để bình chọn',
      results_at: 'Còn lại đến khi công bố kết quả'
    },
    days: '{n} ngày',
    ended: 'Đã hết thời gian',
    noDeadline: 'Không còn mốc thời gian nào sắp tới.',
    cta: {
      upcoming: ['Đăng ký tài khoản', '/register.html'],
      submissions: ['Gửi ảnh dự thi', '/me.html#upload'],
      voting: ['Bình chọn ngay', '/gallery.html'],
      closed: ['Xem bảng xếp hạng', '/leaderboard.html'],
      results: ['Xem kết quả', '/results.html']
    }
  };
  const { $, el, api, fill, num, date } = ND;
  let timer = null;

  // The next deadline in the future, with what it closes or opens.
  function nextDeadline(c) {
    const now = Date.now();
    const order = ['submit_from', 'vote_from', 'submit_until', 'vote_until', 'results_at'];
    let best = null;
    for (const k of order) {
      const t = c[k] ? Date.parse(c[k]) : NaN;
      if (!isNaN(t) && t > now && (!best || t < best.t)) best = { k: k, t: t };
    }
    return best;
  }

  function tick(d) {
    let s = Math.max(0, Math.floor((d.t - Date.now()) / 1000));
    if (s === 0) {
      $('cd-time').textContent = T.ended;
      clearInterval(timer);
      return;
    }
    const days = Math.floor(s / 86400); s %= 86400;
    const hh = String(Math.floor(s / 3600)).padStart(2, '0'); s %= 3600;
    const mm = String(Math.floor(s / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    $('cd-time').textContent = (days ? fill(T.days, { n: num(days) }) + ' ' : '') + hh + ':' + mm + ':' + ss;
  }

  function renderContest(c) {
    document.title = fill(T.title, { title: c.title });
    $('contest-title').textContent = c.title;
    const ph = $('phase');
    ph.textContent = ND.phase(c.phase);
    const dates = $('dates');
    const rows = [['submit_from', T.submitFrom], ['submit_until', T.submitUntil],
      ['vote_from', T.voteFrom], ['vote_until', T.voteUntil], ['results_at', T.resultsAt]];
    const items = rows.filter((r) => c[r[0]]).map((r) => el('li', null, fill(r[1], { d: date(c[r[0]]) })));
    dates.replaceChildren(...items);
    // A contest without dates keeps no empty room for them.
    dates.hidden = items.length === 0;
    // The call to action changes its words, never the layout.
    const cta = T.cta[c.phase === 'submissions_and_voting' ? 'submissions' : c.phase] || T.cta.upcoming;
    $('cta-upload').textContent = cta[0];
    const u = new URL(cta[1], location.href);
    if (ND.param('contest')) u.searchParams.set('contest', ND.param('contest'));
    $('cta-upload').href = u.pathname + u.search + u.hash;
    const d = nextDeadline(c);
    if (d && c.phase !== 'results') {
      $('cd-label').textContent = T.until[d.k];
      tick(d);
      timer = setInterval(() => tick(d), 1000);
    } else {
      $('cd-label').textContent = T.noDeadline;
      $('cd-time').hidden = true; // no empty line under it
    }
  }

  async function loadEntries(c) {
    const data = await api('GET', '/contests/' + encodeURIComponent(c.slug) + '/entries?sort=new&limit=8');
    const list = data.entries || [];
    $('gallery').replaceChildren(...list.map((e) => ND.card(e, T.votes)));
    $('gallery-empty').hidden = list.length > 0;
  }

  async function loadBoard(c) {
    const data = await api('GET', '/contests/' + encodeURIComponent(c.slug) + '/leaderboard?limit=5');
    const rows = (data.entries || []).filter((r) => r.votes > 0);
    $('leaderboard').replaceChildren(...rows.map((row) => {
      const li = el('li');
      li.appendChild(el('span', { class: 'rank' }, row.rank));
      const a = el('a', { class: 'name', href: '/e/' + encodeURIComponent(row.entry.id) }, row.entry.title);
      li.appendChild(a);
      li.appendChild(el('span', { class: 'count' }, num(row.votes) + ' ' + T.votes));
      return li;
    }));
    $('board-empty').hidden = rows.length > 0;
  }

  async function main() {
    const c = await ND.contest();
    if (!c) {
      $('contest-title').textContent = ND.T.noContest;
      return;
    }
    renderContest(c);
    await Promise.all([loadEntries(c), loadBoard(c)]);
    setInterval(() => { loadBoard(c).catch(() => {}); }, 15000);
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
