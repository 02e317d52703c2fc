// netdep admin pages: one contest at a time, in sections (state at a
// glance, settings with categories and criteria, judges, results and
// prizes, fraud review, audit log), plus creating a contest.  Data comes
// only from the JSON API (docs/judging-api.md); user text is set with
// textContent only; every change sends the session's CSRF token.
'use strict';

(function () {
  // Every string of this page (a later English version replaces this).
  const TEXT = {
    pageName: 'Quản trị',
    docTitle: 'Quản trị – {contest} – netdep',
    contest: 'Cuộc thi',
    newContest: '+ Cuộc thi mới',
    toModeration: 'Trang kiểm duyệt',
    logout: 'Đăng xuất',
    sections: 'Các mục quản trị',
    secState: 'Tổng quan',
    secSettings: 'Thiết lập',
    secJudges: 'Giám khảo',
    secResults: 'Kết quả và giải',
    secFraud: 'Gian lận',
    secAudit: 'Nhật ký',
    createTitle: 'Tạo cuộc thi mới',
    slug: 'Mã cuộc thi (dùng trong địa chỉ)',
    slugHint: 'Chữ thường không dấu, số và dấu gạch ngang, ví dụ net-dep-2027.',
    title: 'Tên cuộc thi',
    create: 'Tạo cuộc thi',
    created: 'Đã tạo cuộc thi “{title}”. Hãy đặt thời gian và thể lệ.',
    cancel: 'Hủy',
    save: 'Lưu thiết lập',
    saved: 'Đã lưu thiết lập.',
    nothingChanged: 'Không có gì thay đổi.',
    add: 'Thêm',
    more: 'Xem thêm',
    failed: 'Không thực hiện được: {msg}',
    loadFailed: 'Không tải được dữ liệu: {msg}',
    notAdmin: 'Chỉ quản trị viên mới dùng được trang này.',
    noContests: 'Chưa có cuộc thi nào. Hãy tạo cuộc thi đầu tiên.',
    // state
    phase: 'Giai đoạn',
    phases: {
      upcoming: 'Sắp mở', submissions: 'Đang nhận ảnh', submissions_and_voting: 'Nhận ảnh và bình chọn',
      voting: 'Đang bình chọn', closed: 'Đã đóng', results: 'Đã công bố kết quả'
    },
    entries: 'Ảnh dự thi',
    entryStates: { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Bị từ chối', withdrawn: 'Đã rút' },
    votes: 'Lượt bình chọn',
    voteStates: { valid: 'Hợp lệ', voided: 'Đã hủy', voters: 'Người bình chọn' },
    jury: 'Giám khảo',
    juryStates: { judges: 'Giám khảo', scored_entries: 'Ảnh đã có điểm', prizes: 'Giải đã trao' },
    published: 'Kết quả',
    yes: 'Đã công bố',
    no: 'Chưa công bố',
    windows: 'Thời gian',
    windowNames: { submit_from: 'Nhận ảnh từ', submit_until: 'Nhận ảnh đến', vote_from: 'Bình chọn từ', vote_until: 'Bình chọn đến', results_at: 'Công bố lúc' },
    open: 'không giới hạn',
    judgeProgress: 'Tiến độ chấm điểm',
    progressCols: ['Giám khảo', 'Đã chấm', 'Tổng số', 'Tỉ lệ'],
    // settings
    fields: {
      title: 'Tên cuộc thi', rules: 'Thể lệ', submit_from: 'Nhận ảnh từ', submit_until: 'Nhận ảnh đến',
      vote_from: 'Bình chọn từ', vote_until: 'Bình chọn đến', max_entries: 'Số ảnh tối đa mỗi người',
      votes_per_day: 'Số lượt bình chọn mỗi người mỗi ngày', vote_rule: 'Quy tắc bình chọn',
      self_vote: 'Cho tự bình chọn ảnh của mình', public_weight: 'Tỉ trọng bình chọn công chúng (%)',
      min_short_side: 'Cạnh ngắn tối thiểu của ảnh (px)', coi_unit: 'Giám khảo không chấm ảnh của đơn vị mình',
      zscore: 'Chuẩn hóa điểm theo từng giám khảo (z-score)', judges_named: 'Công bố tên giám khảo (không ẩn danh A, B, C)',
      unit_code: 'Mã đơn vị tổ chức (chỉ đoàn viên thuộc đơn vị này được gửi ảnh; để trống: không giới hạn)',
      open_to_all: 'Mở cho mọi đơn vị'
    },
    timeHint: 'Giờ Việt Nam; để trống là không giới hạn.',
    voteRules: { daily: 'Mỗi ngày một lượt bình chọn cho mỗi ảnh', once: 'Một lượt bình chọn cho mỗi ảnh trong cả cuộc thi' },
    categories: 'Thể loại',
    categoryName: 'Thể loại mới',
    categoryAdded: 'Đã thêm thể loại “{name}”.',
    noCategories: 'Chưa có thể loại.',
    criteria: 'Tiêu chí chấm điểm',
    criteriaCols: ['Tiêu chí', 'Trọng số (%)', ''],
    criterionName: 'Tên tiêu chí {n}',
    criterionWeight: 'Trọng số tiêu chí {n}',
    remove: 'Xóa',
    addCriterion: '+ Thêm tiêu chí',
    saveCriteria: 'Lưu tiêu chí',
    criteriaSaved: 'Đã lưu tiêu chí chấm điểm.',
    criteriaSum: 'Tổng trọng số: {sum}%',
    criteriaSumBad: 'Tổng trọng số: {sum}% (nên bằng 100%)',
    // judges
    judgesCols: ['Giám khảo', 'Tên đăng nhập', 'Phạm vi', 'Đã chấm', ''],
    scopeAll: 'Mọi cuộc thi',
    scopeThis: 'Cuộc thi này',
    revoke: 'Thu hồi',
    revokeAll: 'Thu hồi bằng công cụ dòng lệnh',
    revoked: 'Đã thu hồi quyền giám khảo của {name}.',
    grantUsername: 'Tên đăng nhập của giám khảo mới',
    grant: 'Cấp quyền giám khảo',
    granted: 'Đã cấp quyền giám khảo cho {name}.',
    noJudges: 'Chưa có giám khảo.',
    // results
    resultsPublished: 'Kết quả đã công bố lúc {at}. Giải không thể thay đổi nữa.',
    resultsDraft: 'Kết quả chưa công bố: chỉ giám khảo và quản trị viên xem được bảng dưới đây.',
    csv: 'Tải CSV:',
    csvResults: 'Kết quả',
    csvEntries: 'Ảnh dự thi',
    csvVotes: 'Lượt bình chọn',
    rankingCols: ['Hạng', 'Ảnh', 'Tác giả', 'Lượt bình chọn', 'Điểm GK', 'Điểm tổng hợp', 'Giải', 'Bình chọn nhiều nhất'],
    prizes: { '': '—', first: 'Giải Nhất', second: 'Giải Nhì', third: 'Giải Ba', consolation: 'Giải Khuyến khích', most_voted: 'Giải bình chọn nhiều nhất' },
    prizeFor: 'Giải cho “{title}”',
    mostVotedFor: 'Giải bình chọn nhiều nhất cho “{title}”',
    rankingEmpty: 'Chưa có ảnh nào được duyệt.',
    savePrizes: 'Lưu giải',
    tracksTitle: 'Hạng mục giải',
    tracksLead: 'Mỗi hạng mục: kind (jury, popularity, combined, unit, weekly), name, places và params; multi_win cho phép một ảnh đạt giải ở nhiều hạng mục; week_day (0 = Chủ nhật) và week_hour chốt bảng tuần theo giờ Việt Nam. Thể lệ giải bên dưới được sinh từ chính các hạng mục này.',
    tracksJson: 'Hạng mục giải (JSON)',
    tracksSave: 'Lưu hạng mục giải',
    tracksSaved: 'Đã lưu hạng mục giải.',
    tracksBadJson: 'JSON không hợp lệ: {msg}',
    tracksRules: 'Thể lệ giải (sinh tự động)',
    prizesSaved: 'Đã lưu giải.',
    publish: 'Công bố kết quả',
    publishConfirm: 'Nhấn lần nữa để công bố (không thể hoàn tác)',
    publishedNow: 'Đã công bố kết quả.',
    // fraud
    fraudLead: 'Các đợt bình chọn bất thường. Không có gì bị chặn tự động: hãy xem bằng chứng rồi quyết định. Hủy lượt bình chọn có thể khôi phục.',
    voidReason: 'Lý do hủy / khôi phục (bắt buộc)',
    fraudEmpty: 'Không có đợt bình chọn bất thường nào.',
    kinds: {
      ip: 'Nhiều lượt bình chọn từ một địa chỉ IP', prefix: 'Nhiều lượt bình chọn từ một dải mạng',
      fresh_accounts: 'Lượt bình chọn từ tài khoản vừa tạo', steady_interval: 'Lượt bình chọn đều đặn như máy'
    },
    burstFacts: '{votes} lượt bình chọn · {accounts} tài khoản · {from} – {until}',
    burstEntry: 'Ảnh #{id} “{title}” (hiện có {votes} lượt bình chọn)',
    burstAddress: 'Địa chỉ: {address}',
    kindHelp: {
      ip: 'Từ {ip_votes} lượt bình chọn trở lên cho một ảnh từ cùng một địa chỉ trong {window_minutes} phút.',
      prefix: 'Từ {prefix_votes} lượt bình chọn trở lên cho một ảnh từ cùng một dải mạng (nhiều địa chỉ) trong {window_minutes} phút.',
      fresh_accounts: 'Từ {fresh_votes} lượt bình chọn trở lên cho một ảnh của các tài khoản bình chọn trong vòng {fresh_minutes} phút sau khi tạo.',
      steady_interval: 'Từ {steady_votes} lượt bình chọn trở lên cho một ảnh, cách nhau đều đặn bất thường.'
    },
    voters: 'Tài khoản (ngày tạo):',
    voidBurst: 'Hủy {n} lượt bình chọn của đợt này',
    voidAccount: 'Hủy mọi lượt bình chọn của {name}',
    needReason: 'Hãy ghi lý do trước.',
    voidedN: 'Đã hủy {n} lượt bình chọn.',
    restoredN: 'Đã khôi phục {n} lượt bình chọn.',
    voided: 'Lượt bình chọn đã hủy',
    voidedCols: ['Thời gian', 'Người hủy', 'Số lượt bình chọn', 'Tài khoản', 'Lý do', ''],
    restore: 'Khôi phục',
    restoredAlready: 'Đã khôi phục',
    voidedEmpty: 'Chưa hủy lượt bình chọn nào.',
    // audit
    auditCsv: 'Tải nhật ký (CSV)',
    auditAll: 'Mọi cuộc thi',
    auditCols: ['Thời gian', 'Diễn giải', 'Chi tiết'],
    auditDetails: 'Xem chi tiết',
    auditRaw: 'Mã hành động {action} · {target} · địa chỉ {ip}',
    auditBefore: 'Trước',
    auditAfter: 'Sau',
    timeFormat: 'ngày/tháng/năm giờ:phút',
  };

  const S = window.Staff;
  const J = window.JudgeText;
  const $ = S.$;
  const el = S.el;
  const fmt = S.fmt;
  const AUDIT_PAGE = 100;
  const SECTIONS = ['state', 'settings', 'judges', 'results', 'fraud', 'audit'];
  const TIME_FIELDS = ['submit_from', 'submit_until', 'vote_from', 'vote_until'];
  const SETTINGS = [
    ['title', 'text'], ['rules', 'textarea'],
    ['submit_from', 'time'], ['submit_until', 'time'], ['vote_from', 'time'], ['vote_until', 'time'],
    ['max_entries', 'int', 1, 100], ['votes_per_day', 'int', 1, 1000], ['vote_rule', 'choice'],
    ['self_vote', 'bool'], ['public_weight', 'int', 0, 100], ['min_short_side', 'int', 1, 16384],
    ['coi_unit', 'bool'], ['zscore', 'bool'], ['judges_named', 'bool'],
    ['unit_code', 'text'], ['open_to_all', 'bool']
  ];

  const state = {
    user: null, contests: [], slug: null, info: null, shown: {},
    audit: [], auditDone: false, ranking: [], publishArmed: false, flashTimer: null
  };

  // --- helpers ---------------------------------------------------------------

  function flash(text, kind) {
    const f = $('flash');
    f.textContent = text;
    f.className = 'flash ' + (kind || 'ok');
    f.hidden = false;
    clearTimeout(state.flashTimer);
    state.flashTimer = setTimeout(() => { f.hidden = true; }, kind === 'error' ? 12000 : 6000);
  }

  function fail(e) { flash(fmt(TEXT.failed, { msg: e.message }), 'error'); }

  // The header row is made here with its cells: an empty <tr> in the
  // served HTML is invalid (the Nu HTML Checker, issue 17).
  function head(id, cols) {
    const thead = $(id);
    if (thead.children.length) return;
    const tr = thead.appendChild(el('tr'));
    for (const c of cols) tr.appendChild(el('th', { scope: 'col' }, c));
  }

  function td(tr, text, cls) { return tr.appendChild(el('td', cls || null, text)); }

  function path(p) { return '/contests/' + encodeURIComponent(state.slug) + p; }

  // For a change of one object, only the keys that differ on each side.
  function changedOnly(before, after) {
    const plain = (x) => x && typeof x === 'object' && !Array.isArray(x);
    if (!plain(before) || !plain(after)) return [before, after];
    const b = {}, a = {};
    for (const k of new Set(Object.keys(before).concat(Object.keys(after)))) {
      if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
      if (k in before) b[k] = before[k];
      if (k in after) a[k] = after[k];
    }
    return [b, a];
  }

  function compactJSON(v) {
    if (v === null || v === undefined) return '';
    const s = JSON.stringify(v);
    return s.length > 300 ? s.slice(0, 300) + '…' : s;
  }

  // --- start -----------------------------------------------------------------

  function applyText() {
    for (const n of document.querySelectorAll('[data-t]')) n.textContent = TEXT[n.dataset.t];
    $('sections').setAttribute('aria-label', TEXT.sections);
    $('contest').setAttribute('aria-label', TEXT.contest);
  }

  async function start() {
    applyText();
    document.title = TEXT.pageName + ' – netdep';
    let user;
    try {
      user = await S.session();
    } catch (e) {
      $('loading').textContent = fmt(TEXT.loadFailed, { msg: e.message });
      return;
    }
    if (!user) {
      S.requireLogin($('app'), '/admin.html' + location.search + location.hash, () => location.reload());
      return;
    }
    state.user = user;
    $('who').textContent = user.display_name;
    $('logout').title = user.display_name + ' (' + user.username + ')';
    $('logout').hidden = false;
    $('logout').addEventListener('click', S.logout);
    if (!user.is_admin) {
      S.forbidden($('app'), user);
      return;
    }
    $('to-moderation').hidden = false;
    $('new-contest').hidden = false;
    wire();
    try {
      await loadContests(new URLSearchParams(location.search).get('contest'));
    } catch (e) {
      $('loading').textContent = fmt(TEXT.loadFailed, { msg: e.message });
      return;
    }
    $('loading').hidden = true;
    if (!state.contests.length) {
      $('loading').hidden = false;
      $('loading').textContent = TEXT.noContests;
      showCreate(true);
      return;
    }
    await showSection();
  }

  async function loadContests(want) {
    const data = await S.call('GET', '/contests');
    state.contests = Array.isArray(data) ? data : (data.contests || []);
    const c = state.contests.find((x) => x.slug === want) || state.contests[0];
    state.slug = c ? c.slug : null;
    const sel = $('contest');
    sel.replaceChildren();
    for (const x of state.contests) {
      const o = el('option', { value: x.slug }, x.title);
      if (x.slug === state.slug) o.selected = true;
      sel.appendChild(o);
    }
    $('contest-pick').hidden = !state.contests.length;
    if (c) document.title = fmt(TEXT.docTitle, { contest: c.title });
  }

  function wire() {
    $('contest').addEventListener('change', () => {
      state.slug = $('contest').value;
      state.shown = {};
      const q = new URLSearchParams(location.search);
      q.set('contest', state.slug);
      history.replaceState(null, '', '?' + q.toString() + location.hash);
      const c = state.contests.find((x) => x.slug === state.slug);
      document.title = fmt(TEXT.docTitle, { contest: c ? c.title : '' });
      showSection();
    });
    window.addEventListener('hashchange', () => showSection());
    $('new-contest').addEventListener('click', () => showCreate(true));
    $('create-cancel').addEventListener('click', () => showCreate(false));
    $('create-form').addEventListener('submit', createContest);
    $('settings-form').addEventListener('submit', saveSettings);
    $('category-form').addEventListener('submit', addCategory);
    $('criteria-form').addEventListener('submit', saveCriteria);
    $('criteria-add').addEventListener('click', () => { addCriterionRow('', ''); criteriaSum(); });
    $('grant-form').addEventListener('submit', grantJudge);
    $('prizes-save').addEventListener('click', savePrizes);
    $('publish').addEventListener('click', publish);
    $('tracks-form').addEventListener('submit', saveTracks);
    $('audit-more').addEventListener('click', () => loadAudit(true));
    $('audit-all').addEventListener('change', () => loadAudit(false));
  }

  function showCreate(on) {
    $('create').hidden = !on;
    if (on) {
      for (const s of SECTIONS) $(s).hidden = true;
      $('create-slug').focus();
    } else {
      showSection();
    }
  }

  async function showSection() {
    if (!state.slug) return;
    $('create').hidden = true;
    $('sections').hidden = false;
    let sec = location.hash.slice(1);
    if (!SECTIONS.includes(sec)) sec = 'state';
    for (const s of SECTIONS) $(s).hidden = s !== sec;
    for (const a of $('sections').querySelectorAll('a')) {
      if (a.getAttribute('href') === '#' + sec) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    try {
      if (sec === 'audit') await loadAudit(false);
      else if (sec === 'results') { await loadResults(); await loadTracks(); }
      else if (sec === 'fraud') await loadFraud();
      else await loadState(sec);
    } catch (e) {
      flash(fmt(TEXT.loadFailed, { msg: e.message }), 'error');
    }
  }

  // --- create ----------------------------------------------------------------

  async function createContest(ev) {
    ev.preventDefault();
    const slug = $('create-slug').value.trim();
    const title = $('create-title').value.trim();
    try {
      await S.call('POST', '/contests', { slug: slug, title: title });
      flash(fmt(TEXT.created, { title: title }), 'ok');
      $('create-form').reset();
      await loadContests(slug);
      $('loading').hidden = true;
      history.replaceState(null, '', '?contest=' + encodeURIComponent(slug) + '#settings');
      await showSection();
    } catch (e) { fail(e); }
  }

  // --- state, settings, judges (one call: the contest's state) ---------------

  async function loadState(sec) {
    const data = await S.call('GET', '/admin/contests/' + encodeURIComponent(state.slug) + '/state');
    state.info = data.state || data;
    if (sec === 'state') {
      renderState();
      await loadJudgeProgress();
    } else if (sec === 'settings') {
      renderSettings();
    } else {
      await renderJudges();
    }
  }

  function card(box, title, pairs, cls) {
    const c = el('div', 'card' + (cls ? ' ' + cls : ''));
    c.appendChild(el('h3', null, title));
    const dl = el('dl');
    for (const [k, v] of pairs) {
      dl.appendChild(el('dt', null, k));
      dl.appendChild(el('dd', null, v));
    }
    c.appendChild(dl);
    box.appendChild(c);
  }

  function renderState() {
    const s = state.info;
    const c = s.contest || {};
    const box = $('state-cards');
    box.replaceChildren();
    const big = el('div', 'card phase');
    big.appendChild(el('h3', null, TEXT.phase));
    big.appendChild(el('p', 'big', TEXT.phases[s.phase] || s.phase));
    big.appendChild(el('p', null, TEXT.published + ': ' + (s.published ? TEXT.yes : TEXT.no)));
    box.appendChild(big);
    const e = s.entries || {};
    card(box, TEXT.entries, Object.keys(TEXT.entryStates).map((k) => [TEXT.entryStates[k], String(e[k] || 0)]));
    const v = s.votes || {};
    card(box, TEXT.votes, Object.keys(TEXT.voteStates).map((k) => [TEXT.voteStates[k], String(v[k] || 0)]));
    card(box, TEXT.jury, [
      [TEXT.juryStates.judges, String((s.judges || []).length)],
      [TEXT.juryStates.scored_entries, String(s.scored_entries || 0)],
      [TEXT.juryStates.prizes, String(s.prizes || 0)]
    ]);
    card(box, TEXT.windows, Object.keys(TEXT.windowNames).map((k) => [TEXT.windowNames[k], c[k] ? S.fmtDate(c[k]) : TEXT.open]), 'windows');
  }

  async function loadJudgeProgress() {
    head('progress-head', TEXT.progressCols);
    const body = $('progress-body');
    const data = await S.call('GET', path('/judges/progress'));
    const rows = Array.isArray(data) ? data : (data.judges || []);
    body.replaceChildren();
    for (const j of rows) {
      const tr = el('tr');
      td(tr, (j.display_name ? j.display_name + ' ' : '') + '(' + j.judge + ')');
      td(tr, String(j.scored), 'num');
      td(tr, String(j.total), 'num');
      td(tr, j.total ? Math.round((100 * j.scored) / j.total) + '%' : '—', 'num');
      body.appendChild(tr);
    }
    if (!rows.length) {
      const tr = el('tr');
      tr.appendChild(el('td', { colspan: 4, class: 'empty' }, TEXT.noJudges));
      body.appendChild(tr);
    }
  }

  function renderSettings() {
    const c = state.info.contest || {};
    const box = $('settings-fields');
    box.replaceChildren();
    for (const [key, type, min, max] of SETTINGS) {
      const id = 'set-' + key;
      const wrap = el('div', 'field field-' + type);
      let input;
      if (type === 'textarea') {
        input = el('textarea', { id: id, rows: 6, maxlength: 20000 });
        input.value = c[key] || '';
      } else if (type === 'time') {
        // dd/mm/yyyy hh:mm in Vietnam time, typed: no browser locale.
        input = el('input', { id: id, type: 'text', inputmode: 'numeric', autocomplete: 'off',
          placeholder: TEXT.timeFormat, 'aria-describedby': id + '-hint ' + id + '-err', maxlength: 20 });
        input.value = J.formatVnDate(c[key]);
        input.addEventListener('input', () => checkTime(input, false));
        input.addEventListener('blur', () => checkTime(input, true));
      } else if (type === 'int') {
        input = el('input', { id: id, type: 'number', min: min, max: max, step: 1, inputmode: 'numeric' });
        input.value = c[key] === undefined || c[key] === null ? '' : String(c[key]);
      } else if (type === 'choice') {
        input = el('select', { id: id });
        for (const k of Object.keys(TEXT.voteRules)) {
          const o = el('option', { value: k }, TEXT.voteRules[k]);
          if (c[key] === k) o.selected = true;
          input.appendChild(o);
        }
      } else if (type === 'bool') {
        input = el('input', { id: id, type: 'checkbox' });
        input.checked = !!c[key];
      } else {
        input = el('input', { id: id, maxlength: 200 });
        // The organising unit comes as {code, name} (issue 15).
        input.value = key === 'unit_code' ? (c.unit ? c.unit.code : c.unit_code || '') : c[key] || '';
      }
      input.dataset.key = key;
      input.dataset.type = type;
      input.dataset.orig = type === 'bool' ? String(input.checked) : input.value;
      const label = el('label', { for: id }, TEXT.fields[key]);
      if (type === 'bool') wrap.append(input, label); else wrap.append(label, input);
      if (type === 'time') {
        wrap.appendChild(el('span', { class: 'hint', id: id + '-hint' }, TEXT.timeHint));
        const err = el('span', { class: 'field-error', id: id + '-err', 'aria-live': 'polite' });
        err.hidden = true;
        wrap.appendChild(err);
      }
      box.appendChild(wrap);
    }
    renderCategories();
    renderCriteria();
  }

  // Says next to the field what is wrong with a typed time (on blur or
  // while typing once it was said); returns the parse.
  function checkTime(input, loud) {
    const v = input.value.trim();
    const p = v === '' ? { iso: null } : J.parseVnDate(v);
    const err = $(input.id + '-err');
    if (p.error && (loud || !err.hidden)) {
      err.textContent = p.error;
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else if (!p.error) {
      err.hidden = true;
      input.removeAttribute('aria-invalid');
    }
    return p;
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const set = {};
    for (const n of $('settings-fields').querySelectorAll('[data-type=time]')) {
      if (n.value === n.dataset.orig) continue;
      if (checkTime(n, true).error) { n.focus(); flash(TEXT.fields[n.dataset.key] + ': ' + $(n.id + '-err').textContent, 'error'); return; }
    }
    for (const n of $('settings-fields').querySelectorAll('[data-key]')) {
      const type = n.dataset.type;
      const now = type === 'bool' ? String(n.checked) : n.value;
      if (now === n.dataset.orig) continue;
      const k = n.dataset.key;
      if (type === 'bool') set[k] = n.checked;
      else if (type === 'int') set[k] = now === '' ? null : Number(now);
      else if (type === 'time') set[k] = now.trim() === '' ? null : J.parseVnDate(now).iso;
      else set[k] = now;
    }
    if (!Object.keys(set).length) { flash(TEXT.nothingChanged, 'info'); return; }
    try {
      await S.call('PATCH', '/contests/' + encodeURIComponent(state.slug), set);
      flash(TEXT.saved, 'ok');
      if (set.title) await loadContests(state.slug);
      await loadState('settings');
    } catch (e) { fail(e); }
  }

  function renderCategories() {
    const ul = $('categories');
    ul.replaceChildren();
    for (const k of state.info.categories || []) ul.appendChild(el('li', null, k.name));
    if (!ul.children.length) ul.appendChild(el('li', 'empty', TEXT.noCategories));
  }

  async function addCategory(ev) {
    ev.preventDefault();
    const name = $('category-name').value.trim();
    if (!name) return;
    try {
      await S.call('POST', path('/categories'), { name: name });
      $('category-name').value = '';
      flash(fmt(TEXT.categoryAdded, { name: name }), 'ok');
      await loadState('settings');
    } catch (e) { fail(e); }
  }

  function renderCriteria() {
    head('criteria-head', TEXT.criteriaCols);
    $('criteria-body').replaceChildren();
    for (const k of state.info.criteria || []) addCriterionRow(k.name, k.weight);
    criteriaSum();
  }

  function addCriterionRow(name, weight) {
    const body = $('criteria-body');
    const n = body.children.length + 1;
    const tr = el('tr');
    const a = el('input', { class: 'crit-name', maxlength: 120, 'aria-label': fmt(TEXT.criterionName, { n: n }) });
    a.value = name;
    const w = el('input', { class: 'crit-weight', type: 'number', min: 1, max: 100, step: 1, 'aria-label': fmt(TEXT.criterionWeight, { n: n }) });
    w.value = weight === '' ? '' : String(weight);
    w.addEventListener('input', criteriaSum);
    const rm = el('button', { type: 'button', class: 'btn ghost small' }, TEXT.remove);
    rm.addEventListener('click', () => { tr.remove(); criteriaSum(); });
    tr.appendChild(el('td')).appendChild(a);
    tr.appendChild(el('td')).appendChild(w);
    tr.appendChild(el('td')).appendChild(rm);
    body.appendChild(tr);
  }

  function criteriaSum() {
    let sum = 0;
    for (const w of $('criteria-body').querySelectorAll('.crit-weight')) sum += Number(w.value) || 0;
    $('criteria-sum').textContent = fmt(sum === 100 ? TEXT.criteriaSum : TEXT.criteriaSumBad, { sum: sum });
  }

  async function saveCriteria(ev) {
    ev.preventDefault();
    const list = [];
    for (const tr of $('criteria-body').children) {
      const name = tr.querySelector('.crit-name').value.trim();
      const weight = tr.querySelector('.crit-weight').value;
      if (!name && !weight) continue;
      list.push({ name: name, weight: Number(weight) });
    }
    try {
      await S.call('PUT', path('/criteria'), { criteria: list });
      flash(TEXT.criteriaSaved, 'ok');
      await loadState('settings');
    } catch (e) { fail(e); }
  }

  async function renderJudges() {
    head('judges-head', TEXT.judgesCols);
    let progress = [];
    try {
      const data = await S.call('GET', path('/judges/progress'));
      progress = Array.isArray(data) ? data : (data.judges || []);
    } catch (e) { progress = []; }
    const body = $('judges-body');
    body.replaceChildren();
    for (const j of state.info.judges || []) {
      const p = progress.find((x) => x.judge === j.username);
      const tr = el('tr', { 'data-username': j.username });
      td(tr, j.display_name);
      td(tr, j.username);
      td(tr, j.all_contests ? TEXT.scopeAll : TEXT.scopeThis);
      td(tr, p ? p.scored + '/' + p.total : '—', 'num');
      const cell = el('td');
      if (j.all_contests) {
        cell.appendChild(el('span', 'hint', TEXT.revokeAll));
      } else {
        const b = el('button', { type: 'button', class: 'btn danger small revoke' }, TEXT.revoke);
        b.addEventListener('click', () => revokeJudge(j));
        cell.appendChild(b);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    }
    if (!body.children.length) {
      const tr = el('tr');
      tr.appendChild(el('td', { colspan: 5, class: 'empty' }, TEXT.noJudges));
      body.appendChild(tr);
    }
  }

  async function grantJudge(ev) {
    ev.preventDefault();
    const u = $('grant-username').value.trim();
    if (!u) return;
    try {
      await S.call('POST', path('/judges'), { username: u });
      $('grant-username').value = '';
      flash(fmt(TEXT.granted, { name: u }), 'ok');
      await loadState('judges');
    } catch (e) { fail(e); }
  }

  async function revokeJudge(j) {
    try {
      await S.call('DELETE', path('/judges/' + encodeURIComponent(j.username)));
      flash(fmt(TEXT.revoked, { name: j.display_name }), 'ok');
      await loadState('judges');
    } catch (e) { fail(e); }
  }

  // --- results and prizes ----------------------------------------------------

  async function loadResults() {
    const data = await S.call('GET', path('/results'));
    const r = data.results || data;
    state.ranking = r.ranking || [];
    state.publishArmed = false;
    $('publish').textContent = TEXT.publish;
    $('results-status').textContent = r.published
      ? fmt(TEXT.resultsPublished, { at: S.fmtDate(r.results_at) }) : TEXT.resultsDraft;
    $('results-status').className = r.published ? 'ok-note' : 'hint';
    $('publish').hidden = !!r.published;
    $('prizes-save').hidden = !!r.published;
    const links = $('csv-links');
    links.replaceChildren(el('span', null, TEXT.csv + ' '));
    for (const [name, file] of [[TEXT.csvResults, 'results.csv'], [TEXT.csvEntries, 'entries.csv'], [TEXT.csvVotes, 'votes.csv']]) {
      links.appendChild(el('a', { href: '/api/v1' + path('/' + file), download: '' }, name));
      links.appendChild(document.createTextNode(' '));
    }
    head('ranking-head', TEXT.rankingCols);
    const body = $('ranking-body');
    body.replaceChildren();
    for (const row of state.ranking) {
      const e = row.entry || {};
      const tr = el('tr', { 'data-id': e.id });
      td(tr, String(row.rank), 'num');
      td(tr, '#' + e.id + ' ' + e.title);
      td(tr, e.author ? e.author.display_name : '');
      td(tr, String(row.votes), 'num');
      td(tr, row.jury_score === null || row.jury_score === undefined ? '—' : Number(row.jury_score).toFixed(2), 'num');
      td(tr, row.combined === null || row.combined === undefined ? '—' : Number(row.combined).toFixed(2), 'num');
      const prizes = row.prizes || [];
      const sel = el('select', { class: 'prize', 'aria-label': fmt(TEXT.prizeFor, { title: e.title }), disabled: !!r.published });
      for (const k of ['', 'first', 'second', 'third', 'consolation']) {
        const o = el('option', { value: k }, TEXT.prizes[k]);
        if (k && prizes.includes(k)) o.selected = true;
        sel.appendChild(o);
      }
      tr.appendChild(el('td')).appendChild(sel);
      const mv = el('input', { type: 'radio', name: 'most-voted', class: 'most-voted', 'aria-label': fmt(TEXT.mostVotedFor, { title: e.title }), disabled: !!r.published });
      mv.checked = prizes.includes('most_voted');
      tr.appendChild(el('td', 'center')).appendChild(mv);
      body.appendChild(tr);
    }
    $('ranking-empty').hidden = state.ranking.length > 0;
  }

  async function savePrizes() {
    const list = [];
    for (const tr of $('ranking-body').children) {
      const id = Number(tr.dataset.id);
      const p = tr.querySelector('.prize').value;
      if (p) list.push({ entry_id: id, prize: p });
      if (tr.querySelector('.most-voted').checked) list.push({ entry_id: id, prize: 'most_voted' });
    }
    try {
      await S.call('PUT', path('/prizes'), { prizes: list });
      flash(TEXT.prizesSaved, 'ok');
      await loadResults();
    } catch (e) { fail(e); }
  }

  // Prize tracks (issue 16): the definition as the API takes it, edited as
  // JSON; the rules text below is what the rules page will say.
  async function loadTracks() {
    const r = await S.call('GET', path('/tracks'));
    const def = {
      multi_win: r.multi_win, week_day: r.week_day, week_hour: r.week_hour,
      tracks: (r.tracks || []).map((t) => ({ kind: t.kind, name: t.name, places: t.places, params: t.params || {} }))
    };
    $('tracks-json').value = JSON.stringify(def, null, 2);
    $('tracks-rules').textContent = r.rules_text || '';
    $('tracks-form').querySelector('button').disabled = !!r.published;
  }

  async function saveTracks(ev) {
    ev.preventDefault();
    const err = $('tracks-err');
    let body;
    try {
      body = JSON.parse($('tracks-json').value);
    } catch (e) {
      err.textContent = fmt(TEXT.tracksBadJson, { msg: e.message });
      err.hidden = false;
      $('tracks-json').setAttribute('aria-invalid', 'true');
      return;
    }
    try {
      await S.call('PUT', path('/tracks'), body);
      err.hidden = true;
      $('tracks-json').removeAttribute('aria-invalid');
      flash(TEXT.tracksSaved, 'ok');
      await loadTracks();
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      $('tracks-json').setAttribute('aria-invalid', 'true');
    }
  }

  // Publishing cannot be undone: the first click arms the button.
  async function publish() {
    if (!state.publishArmed) {
      state.publishArmed = true;
      $('publish').textContent = TEXT.publishConfirm;
      return;
    }
    try {
      await S.call('POST', path('/publish'));
      flash(TEXT.publishedNow, 'ok');
      await loadResults();
    } catch (e) { fail(e); }
  }

  // --- fraud -----------------------------------------------------------------

  async function loadFraud() {
    const [report, audit] = await Promise.all([
      S.call('GET', path('/fraud')),
      S.call('GET', '/admin/audit?contest=' + encodeURIComponent(state.slug) + '&limit=500')
    ]);
    const bursts = (report && report.bursts) || [];
    const box = $('bursts');
    box.replaceChildren();
    for (const b of bursts) box.appendChild(burstCard(b, report.rules || {}));
    $('bursts-empty').hidden = bursts.length > 0;
    renderVoided(Array.isArray(audit) ? audit : (audit.audit || []));
  }

  function burstCard(b, rules) {
    const c = el('article', 'burst');
    c.appendChild(el('h3', null, TEXT.kinds[b.kind] || b.kind));
    const e = b.entry || {};
    c.appendChild(el('p', null, fmt(TEXT.burstEntry, { id: e.id, title: e.title, votes: e.votes })));
    c.appendChild(el('p', null, fmt(TEXT.burstFacts, {
      votes: b.votes, accounts: b.accounts, from: S.fmtDate(b.from), until: S.fmtDate(b.until)
    })));
    if (b.address) c.appendChild(el('p', null, fmt(TEXT.burstAddress, { address: b.address })));
    // The server's evidence text is English; the page says the rule in
    // Vietnamese with the report's own thresholds.
    if (TEXT.kindHelp[b.kind]) c.appendChild(el('p', 'hint', fmt(TEXT.kindHelp[b.kind], rules)));
    const voters = b.voters || [];
    if (voters.length) {
      c.appendChild(el('p', 'voters-h', TEXT.voters));
      const ul = el('ul', 'voters');
      for (const v of voters.slice(0, 30)) {
        const li = el('li');
        li.appendChild(el('span', null, v.username + ' (' + S.fmtDate(v.created_at) + ') '));
        const btn = el('button', { type: 'button', class: 'btn ghost small' }, fmt(TEXT.voidAccount, { name: v.username }));
        btn.addEventListener('click', () => voidVotes({ account: v.username }));
        li.appendChild(btn);
        ul.appendChild(li);
      }
      c.appendChild(ul);
    }
    const btn = el('button', { type: 'button', class: 'btn reject void-burst' }, fmt(TEXT.voidBurst, { n: b.votes }));
    btn.addEventListener('click', () => voidVotes({ vote_ids: b.vote_ids }));
    c.appendChild(btn);
    return c;
  }

  async function voidVotes(target, restore) {
    const reason = $('void-reason').value.trim();
    if (!reason) {
      flash(TEXT.needReason, 'error');
      $('void-reason').focus();
      return;
    }
    try {
      const res = await S.call('POST', path(restore ? '/votes/restore' : '/votes/void'),
        Object.assign({ reason: reason }, target));
      const n = restore ? res.restored : res.voided;
      flash(fmt(restore ? TEXT.restoredN : TEXT.voidedN, { n: n || 0 }), 'ok');
      await loadFraud();
    } catch (e) { fail(e); }
  }

  function renderVoided(rows) {
    head('voided-head', TEXT.voidedCols);
    const body = $('voided-body');
    body.replaceChildren();
    const restored = new Set();
    for (const r of rows) {
      if (r.action === 'votes.restore' && r.after) for (const id of r.after.vote_ids || []) restored.add(id);
    }
    // rows are newest first: a void is undone when a later restore names
    // all its votes.
    let n = 0;
    for (const r of rows) {
      if (r.action !== 'votes.void' || !r.after) continue;
      n++;
      const ids = r.after.vote_ids || [];
      const tr = el('tr');
      td(tr, S.fmtDate(r.at));
      td(tr, r.actor);
      td(tr, String(ids.length), 'num');
      td(tr, r.after.account || '');
      td(tr, r.after.reason || '');
      const cell = el('td');
      if (ids.length && ids.every((id) => restored.has(id))) {
        cell.appendChild(el('span', 'hint', TEXT.restoredAlready));
      } else {
        const b = el('button', { type: 'button', class: 'btn small restore' }, TEXT.restore);
        b.addEventListener('click', () => voidVotes({ vote_ids: ids }, true));
        cell.appendChild(b);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    }
    $('voided-empty').hidden = n > 0;
  }

  // --- audit -----------------------------------------------------------------

  async function loadAudit(more) {
    if (!more) { state.audit = []; state.auditDone = false; }
    const all = $('audit-all').checked;
    const q = new URLSearchParams({ limit: AUDIT_PAGE });
    if (!all) q.set('contest', state.slug);
    const last = state.audit[state.audit.length - 1];
    if (more && last) q.set('before', last.id);
    const data = await S.call('GET', '/admin/audit?' + q.toString());
    const rows = Array.isArray(data) ? data : (data.audit || []);
    state.audit = state.audit.concat(rows);
    state.auditDone = rows.length < AUDIT_PAGE;
    $('audit-csv').href = '/api/v1/admin/audit.csv' + (all ? '' : '?contest=' + encodeURIComponent(state.slug));
    head('audit-head', TEXT.auditCols);
    const body = $('audit-body');
    body.replaceChildren();
    for (const r of state.audit) {
      // A sentence to read; the raw row on demand.
      const tr = el('tr', { 'data-action': r.action });
      td(tr, S.fmtDate(r.at));
      td(tr, J.auditSentence(r) + (all && r.contest ? ' (' + r.contest + ')' : ''), 'sentence');
      const det = el('details');
      det.appendChild(el('summary', null, TEXT.auditDetails));
      det.appendChild(el('p', null, fmt(TEXT.auditRaw, { action: r.action,
        target: r.target_type + (r.target_id !== null && r.target_id !== undefined ? ' #' + r.target_id : ''), ip: r.ip || '–' })));
      const [b, a] = changedOnly(r.before, r.after);
      det.appendChild(el('p', 'json', TEXT.auditBefore + ': ' + compactJSON(b)));
      det.appendChild(el('p', 'json', TEXT.auditAfter + ': ' + compactJSON(a)));
      tr.appendChild(el('td')).appendChild(det);
      body.appendChild(tr);
    }
    $('audit-more').hidden = state.auditDone;
  }

  document.addEventListener('DOMContentLoaded', start);
})();
