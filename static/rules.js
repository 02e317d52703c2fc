// netdep rules page: the contest's windows, limits, categories, jury
// criteria and its rules text (shown as text, line breaks kept).
'use strict';

(function () {
  const T = {
    title: 'Thể lệ – {title} – netdep',
    heading: 'Thể lệ: {title}',
    submit: 'Nhận ảnh: {from} – {until}',
    vote: 'Bình chọn: {from} – {until}',
    results: 'Công bố kết quả: {d}',
    open: 'chưa ấn định',
    maxEntries: 'Mỗi người gửi tối đa {n} ảnh.',
    votesPerDay: 'Mỗi tài khoản có {n} lượt bình chọn mỗi ngày (tính theo giờ Việt Nam).',
    ruleOnce: 'Mỗi tài khoản bình chọn cho một ảnh một lần trong cả cuộc thi.',
    ruleDaily: 'Mỗi tài khoản bình chọn cho một ảnh tối đa một lần mỗi ngày.',
    self: 'Không được bình chọn cho ảnh của chính mình.',
    files: 'Ảnh JPEG, PNG hoặc WebP, dung lượng tối đa {mb} MB, cạnh ngắn tối thiểu {px} điểm ảnh.',
    weights: 'Điểm chung cuộc: {pub}% từ bình chọn của công chúng, {jury}% từ ban giám khảo.',
    weight: '{name} (hệ số {w})',
    noRules: 'Ban tổ chức chưa đăng thể lệ chi tiết.',
    loadFailed: 'Không tải được thể lệ: {msg}'
  };
  const { $, el, fill, num, date } = ND;

  async function main() {
    const c = await ND.contest();
    if (!c) { ND.showError('error', { message: ND.T.noContest }); return; }
    document.title = fill(T.title, { title: c.title });
    $('contest-title').textContent = fill(T.heading, { title: c.title });
    const d = (s) => (s ? date(s) : T.open);
    const dates = [fill(T.submit, { from: d(c.submit_from), until: d(c.submit_until) }),
      fill(T.vote, { from: d(c.vote_from), until: d(c.vote_until) })];
    if (c.results_at) dates.push(fill(T.results, { d: date(c.results_at) }));
    $('dates').replaceChildren(...dates.map((s) => el('li', null, s)));
    const limits = [
      fill(T.maxEntries, { n: num(c.max_entries) }),
      fill(T.votesPerDay, { n: num(c.votes_per_day) }),
      c.vote_rule === 'once' ? T.ruleOnce : T.ruleDaily,
      T.self,
      fill(T.files, { mb: num(Math.floor((c.max_bytes || 20971520) / 1048576)), px: num(c.min_short_side || 800) })
    ];
    if (c.public_weight !== undefined) limits.push(fill(T.weights, { pub: c.public_weight, jury: c.jury_weight }));
    $('limits').replaceChildren(...limits.map((s) => el('li', null, s)));
    const cats = c.categories || [];
    $('cats').replaceChildren(...cats.map((k) => el('li', null, k.name)));
    $('cats-sec').hidden = cats.length === 0;
    const crit = c.criteria || [];
    $('crit').replaceChildren(...crit.map((k) => el('li', null, fill(T.weight, { name: k.name, w: k.weight }))));
    $('crit-sec').hidden = crit.length === 0;
    $('rules').textContent = c.rules && c.rules.trim() ? c.rules : T.noRules;
  }

  document.addEventListener('DOMContentLoaded', () => {
    main().catch((e) => ND.showError('error', { message: fill(T.loadFailed, { msg: e.message }) }));
  });
}());
