// netdep moderation page: the judges' workplace.  Three views of one
// contest: the queue of pending entries (approve / reject, keyboard
// driven, polled so another judge's decisions show up), the scoring of
// approved entries, and the history of decisions.  Data comes only from the
// JSON API (docs/judging-api.md); user text is set with textContent only.
'use strict';

(function () {
  // Every string of this page (a later English version replaces this).
  const TEXT = {
    pageName: 'Kiểm duyệt',
    docTitle: 'Kiểm duyệt – {contest} – netdep',
    contest: 'Cuộc thi',
    tabs: 'Chế độ',
    tabQueue: 'Duyệt ảnh',
    tabScore: 'Chấm điểm',
    tabHistory: 'Lịch sử',
    help: 'Phím tắt',
    logout: 'Đăng xuất',
    queueTitle: 'Chờ duyệt',
    queueList: 'Danh sách ảnh chờ duyệt',
    queueEmpty: 'Không còn ảnh nào chờ duyệt. Trang tự cập nhật khi có ảnh mới.',
    selectAll: 'Chọn tất cả',
    bulkApprove: 'Duyệt ảnh đã chọn',
    bulkApproveN: 'Duyệt {n} ảnh đã chọn',
    selectEntry: 'Chọn “{title}” để duyệt hàng loạt',
    guardianMissing: 'Thí sinh có thể dưới 16 tuổi và chưa có đồng ý của người giám hộ: chưa duyệt được ảnh này',
    similarTitle: 'Ảnh gần giống (có thể trùng lặp)',
    similarThis: 'Ảnh đang xem',
    similarItem: '#{id} · {status} · khác biệt {distance}',
    similarOther: 'cuộc thi {contest}',
    similarHidden: 'Không xem được ảnh này',
    approve: 'Duyệt',
    reject: 'Từ chối',
    original: 'Ảnh gốc',
    originalTitle: 'Ảnh gốc',
    reasonsTitle: 'Chọn lý do từ chối (phím 1–5):',
    reasonFree: 'Lý do khác (phím 0, rồi Enter):',
    reasonSend: 'Từ chối với lý do này',
    reasonEmpty: 'Hãy ghi lý do để tác giả biết cần sửa gì.',
    cancel: 'Hủy',
    close: 'Đóng',
    more: 'Xem thêm',
    reasons: ['Ảnh không phải của tác giả', 'Nội dung không phù hợp', 'Sai thể loại',
      'Chất lượng ảnh thấp', 'Ảnh trùng lặp'],
    factAuthor: 'Tác giả',
    factUnit: 'Đơn vị',
    factCategory: 'Thể loại',
    factSubmitted: 'Gửi lúc',
    factCamera: 'Máy ảnh',
    factTaken: 'Chụp lúc',
    factOriginal: 'Ảnh gốc',
    factVotes: 'Lượt bình chọn',
    position: '{i} / {n}',
    unknown: 'không có thông tin',
    noCategory: 'chưa chọn',
    originalMeta: '{w} × {h} px · {type}',
    originalLoading: 'Đang tải ảnh gốc…',
    originalFailed: 'Không tải được ảnh gốc.',
    originalNoShow: 'Trình duyệt này không hiển thị được ảnh {type}: hãy tải ảnh gốc về để xem, hoặc xem ảnh đã chuyển đổi bên dưới.',
    originalDownload: 'Tải ảnh gốc',
    status: { pending: 'chờ duyệt', approved: 'đã duyệt', rejected: 'đã từ chối', withdrawn: 'đã rút' },
    verb: { approved: 'duyệt', rejected: 'từ chối' },
    approved: 'Đã duyệt “{title}”.',
    rejected: 'Đã từ chối “{title}”: {reason}.',
    conflict: '“{title}” đã được {name} {verb}.',
    conflictWithdrawn: '“{title}” đã được tác giả rút.',
    goneByOther: '“{title}” đã được {name} {verb}.',
    goneUnknown: '“{title}” đã được giám khảo khác xử lý.',
    someone: 'giám khảo khác',
    newEntries: 'Có {n} ảnh mới chờ duyệt.',
    bulkDone: 'Đã duyệt {ok} ảnh.',
    bulkConflicts: ' {n} ảnh đã được người khác xử lý trước.',
    bulkFailed: ' {n} ảnh không duyệt được.',
    failed: 'Không thực hiện được: {msg}',
    progress: 'Đã xử lý {done} · Còn lại {left}',
    progressMine: ' · Bạn: {mine}',
    progressLeft: 'Còn lại {left}',
    scoreProgress: 'Đã chấm {scored}/{total}',
    scoreListTitle: 'Ảnh đã duyệt',
    scoreList: 'Danh sách ảnh để chấm điểm',
    scoreEmpty: 'Chưa có ảnh nào được duyệt để chấm.',
    scored: 'đã chấm {total}',
    notScored: 'chưa chấm',
    criterion: '{name} ({weight}%)',
    comment: 'Nhận xét (không bắt buộc)',
    saveScore: 'Lưu điểm',
    scoreTotal: 'Điểm tổng (theo trọng số): {total}',
    scoreInvalid: '{name}: nhập số từ 0 đến 10, tối đa một chữ số thập phân.',
    scoreSaved: 'Đã lưu điểm cho “{title}”.',
    noCriteria: 'Cuộc thi chưa có tiêu chí chấm điểm.',
    historyTitle: 'Lịch sử quyết định',
    historyEmpty: 'Chưa có quyết định nào.',
    historyCols: ['Thời gian', 'Giám khảo', 'Quyết định', 'Ảnh', 'Lý do'],
    action: { 'entry.approve': 'Duyệt', 'entry.reject': 'Từ chối', approve: 'Duyệt', reject: 'Từ chối' },
    noContest: 'Bạn chưa được phân công chấm cuộc thi nào.',
    loadFailed: 'Không tải được dữ liệu: {msg}',
    helpTitle: 'Phím tắt',
    // issue 17: undo, a first pass, the grid, pages, the zoom
    undo: 'Hoàn tác',
    undone: 'Đã hoàn tác: “{title}” trở lại hàng chờ duyệt.',
    undoFailed: 'Không hoàn tác được “{title}”: {msg}',
    recentTitle: 'Quyết định gần đây',
    recentItem: '{verb} “{title}”',
    maybe: 'Cân nhắc',
    maybeOn: 'Bạn đã đánh dấu “{title}” để cân nhắc (chỉ bạn thấy).',
    maybeOff: 'Đã bỏ dấu cân nhắc của “{title}”.',
    maybeBadge: 'cân nhắc',
    grid: 'Lưới ảnh',
    moreQueue: 'Xem thêm ảnh (còn {n})',
    toScore: 'Sang trang chấm điểm →',
    toQueue: '← Về trang duyệt ảnh',
    scoreToApproved: 'Chấm điểm ảnh này',
    zoomActual: 'Cỡ thật 100%',
    zoomFit: 'Vừa khung',
    keys: [
      ['j / k', 'Ảnh tiếp theo / ảnh trước'],
      ['a hoặc 1', 'Giữ: duyệt ảnh đang xem'],
      ['r hoặc 2', 'Loại: từ chối ảnh đang xem (chọn lý do)'],
      ['3', 'Cân nhắc: đánh dấu riêng cho bạn, sang ảnh tiếp theo'],
      ['u', 'Hoàn tác quyết định vừa rồi'],
      ['g', 'Bật / tắt lưới ảnh để so sánh'],
      ['z', 'Ảnh gốc: vừa khung / cỡ thật 100%'],
      ['Chấm điểm: 0–9', 'Điền điểm cho tiêu chí còn trống (0 là 10)'],
      ['r rồi 1–5', 'Từ chối với lý do có sẵn'],
      ['r rồi 0', 'Từ chối với lý do khác (gõ lý do, Enter)'],
      ['o', 'Xem ảnh gốc'],
      ['x', 'Chọn / bỏ chọn ảnh để duyệt hàng loạt'],
      ['Shift + A', 'Duyệt các ảnh đã chọn'],
      ['m / s / h', 'Duyệt ảnh / Chấm điểm / Lịch sử'],
      ['Enter', 'Chấm điểm: nhập điểm ảnh đang xem; trong ô điểm: lưu'],
      ['?', 'Bật / tắt bảng phím tắt'],
      ['Esc', 'Đóng, hủy']
    ]
  };

  const POLL_MS = 5000;
  const UNDO_MS = 10000;   // the flash offers the undo this long
  const RECENT_MAX = 10;
  const PRELOAD = 2;       // display images fetched ahead of the judge
  // Queue page size (?per=N for a test); pages follow a keyset cursor.
  const PER = Math.min(Math.max(Number(new URLSearchParams(location.search).get('per')) || 50, 1), 100);
  const HISTORY_PAGE = 50;
  const S = window.Staff;
  const $ = S.$;
  const el = S.el;
  const fmt = S.fmt;

  const state = {
    user: null,
    contests: [],
    slug: null,
    view: 'queue',
    queue: [],
    curId: null,
    selected: new Set(),
    mine: new Set(),        // entries this page decided (not "someone else")
    rejecting: false,
    busy: false,
    reasons: TEXT.reasons.slice(),
    progress: null,
    jury: null,             // {items, criteria, progress}
    scoreId: null,
    history: [],
    historyDone: false,
    pollTimer: null,
    flashTimer: null,
    recent: [],             // [{id, title, action, reason}] newest first
    undoUntil: 0,
    pages: 1,               // queue pages shown
    queueNext: null,        // cursor of the page after them, or null
    queueTotal: 0,
    grid: false,
    marks: {}               // entry id -> 'maybe': this judge's own marks
  };

  // --- small helpers -------------------------------------------------------

  function listOf(data, keys) {
    if (Array.isArray(data)) return data;
    for (const k of keys) if (data && Array.isArray(data[k])) return data[k];
    return [];
  }

  function withKey(node, key) {
    if (key) {
      node.appendChild(document.createTextNode(' '));
      node.appendChild(el('kbd', null, key));
    }
    return node;
  }

  function applyText() {
    for (const n of document.querySelectorAll('[data-t]')) {
      n.textContent = TEXT[n.dataset.t];
      withKey(n, n.dataset.key);
    }
    $('tabs').setAttribute('aria-label', TEXT.tabs);
    $('queue').setAttribute('aria-label', TEXT.queueList);
    $('score-list').setAttribute('aria-label', TEXT.scoreList);
    $('contest').setAttribute('aria-label', TEXT.contest);
    $('help-btn').setAttribute('aria-label', TEXT.help);
    const keys = $('help-keys');
    for (const [k, what] of TEXT.keys) {
      keys.appendChild(el('dt')).appendChild(el('kbd', null, k));
      keys.appendChild(el('dd', null, what));
    }
  }

  function flash(text, kind) {
    const f = $('flash');
    f.textContent = text;
    f.className = 'flash ' + (kind || 'ok');
    f.hidden = false;
    clearTimeout(state.flashTimer);
    state.flashTimer = setTimeout(() => { f.hidden = true; }, kind === 'error' ? 12000 : 7000);
  }

  function nameOf(who) {
    if (!who) return TEXT.someone;
    if (typeof who === 'string') return who;
    return who.display_name || who.username || TEXT.someone;
  }

  function qs(extra) {
    const q = new URLSearchParams({ contest: state.slug });
    for (const k of Object.keys(extra || {})) if (extra[k] !== undefined && extra[k] !== null) q.set(k, extra[k]);
    return '?' + q.toString();
  }

  function contestOf(slug) {
    return state.contests.find((c) => c.slug === slug) || null;
  }

  function fact(dl, label, value) {
    dl.appendChild(el('dt', null, label));
    dl.appendChild(el('dd', null, value === undefined || value === null || value === '' ? TEXT.unknown : value));
  }

  function preview(box, e) {
    box.replaceChildren();
    if (!e) return;
    const m = e.media || {};
    const pic = S.picture(m.display_webp, m.display_jpeg, e.title, 'display');
    const img = pic.querySelector('img');
    if (m.width && m.height) { img.width = m.width; img.height = m.height; }
    box.appendChild(pic);
  }

  // --- start -----------------------------------------------------------------

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
      S.requireLogin($('app'), '/moderation.html' + location.search, () => location.reload());
      return;
    }
    state.user = user;
    $('who').textContent = user.display_name;
    $('logout').title = user.display_name + ' (' + user.username + ')';
    $('logout').hidden = false;
    $('logout').addEventListener('click', S.logout);
    if (!user.is_judge && !user.is_admin) {
      S.forbidden($('app'), user);
      return;
    }
    try {
      await loadContests();
    } catch (e) {
      $('loading').textContent = fmt(TEXT.loadFailed, { msg: e.message });
      return;
    }
    $('loading').hidden = true;
    if (!state.contests.length) {
      $('app').appendChild(el('p', 'empty', TEXT.noContest));
      return;
    }
    loadReasons();
    loadMarks();
    wire();
    const v = new URLSearchParams(location.search).get('view');
    await show(['queue', 'score', 'history'].includes(v) ? v : 'queue');
    state.pollTimer = setInterval(poll, POLL_MS);
  }

  async function loadContests() {
    const all = listOf(await S.call('GET', '/contests'), ['contests']);
    const scope = S.judgeScope(state.user);
    state.contests = scope === null ? all : all.filter((c) => scope.includes(c.slug));
    const want = new URLSearchParams(location.search).get('contest');
    state.slug = (contestOf(want) || state.contests[0] || {}).slug || null;
    const sel = $('contest');
    sel.replaceChildren();
    for (const c of state.contests) {
      const o = el('option', { value: c.slug }, c.title);
      if (c.slug === state.slug) o.selected = true;
      sel.appendChild(o);
    }
    $('contest-pick').hidden = state.contests.length < 1;
    setTitle();
  }

  function setTitle() {
    const c = contestOf(state.slug);
    document.title = fmt(TEXT.docTitle, { contest: c ? c.title : '' });
  }

  async function loadReasons() {
    try {
      const list = listOf(await S.call('GET', '/moderation/reasons'), ['reasons']);
      if (list.length) state.reasons = list.map(String);
    } catch (e) { /* keep the page's own list */ }
    renderReasons();
  }

  function renderReasons() {
    const ol = $('reason-list');
    ol.replaceChildren();
    state.reasons.slice(0, 9).forEach((text, i) => {
      const b = el('button', { type: 'button', class: 'reason', 'data-n': i + 1 });
      b.appendChild(el('kbd', null, String(i + 1)));
      b.appendChild(el('span', null, text));
      b.addEventListener('click', () => decide('reject', text));
      ol.appendChild(el('li')).appendChild(b);
    });
  }

  function wire() {
    $('contest').addEventListener('change', async () => {
      state.slug = $('contest').value;
      $('contest').blur(); // the keys work again at once
      state.selected.clear();
      state.curId = null;
      state.scoreId = null;
      state.jury = null;
      state.pages = 1;
      state.recent = [];
      renderRecent();
      loadMarks();
      const q = new URLSearchParams(location.search);
      q.set('contest', state.slug);
      history.replaceState(null, '', '?' + q.toString());
      setTitle();
      await show(state.view);
    });
    for (const b of $('tabs').querySelectorAll('button')) {
      b.addEventListener('click', () => show(b.dataset.view));
    }
    $('tabs').hidden = false;
    $('help-btn').hidden = false;
    $('help-btn').addEventListener('click', () => toggleHelp());
    $('help-close').addEventListener('click', () => toggleHelp(false));
    $('original-close').addEventListener('click', closeOriginal);
    for (const o of document.querySelectorAll('.overlay')) {
      o.addEventListener('click', (ev) => {
        if (ev.target === o) { o.hidden = true; }
      });
    }
    $('approve').addEventListener('click', () => decide('approve'));
    $('reject').addEventListener('click', () => startReject());
    $('original').addEventListener('click', openOriginal);
    $('reason-cancel').addEventListener('click', cancelReject);
    $('reasons').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $('reason-free').value.trim();
      if (!text) { flash(TEXT.reasonEmpty, 'error'); $('reason-free').focus(); return; }
      decide('reject', text);
    });
    $('select-all').addEventListener('change', () => {
      state.selected.clear();
      if ($('select-all').checked) for (const e of state.queue) state.selected.add(e.id);
      renderQueue();
    });
    $('bulk-approve').addEventListener('click', bulkApprove);
    $('queue-more').addEventListener('click', async () => { state.pages++; await loadQueue(); });
    $('maybe').addEventListener('click', toggleMaybe);
    $('grid-btn').addEventListener('click', () => toggleGrid());
    $('original-zoom').addEventListener('click', () => toggleZoom());
    for (const a of [$('to-score'), $('to-queue')]) {
      a.addEventListener('click', (ev) => { ev.preventDefault(); show(a.id === 'to-score' ? 'score' : 'queue'); });
    }
    $('score-form').addEventListener('submit', (ev) => { ev.preventDefault(); saveScore(); });
    $('history-more').addEventListener('click', () => loadHistory(true));
    document.addEventListener('keydown', onKey);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
  }

  async function show(view) {
    state.view = view;
    for (const v of ['queue', 'score', 'history']) {
      $('view-' + v).hidden = v !== view;
      $('tab-' + v).setAttribute('aria-pressed', String(v === view));
    }
    closeOriginal();
    cancelReject();
    const q = new URLSearchParams(location.search);
    q.set('contest', state.slug);
    q.set('view', view);
    history.replaceState(null, '', '?' + q.toString());
    $('to-score').href = '?' + new URLSearchParams({ contest: state.slug, view: 'score' }).toString();
    $('to-queue').href = '?' + new URLSearchParams({ contest: state.slug, view: 'queue' }).toString();
    try {
      if (view === 'queue') await Promise.all([loadQueue(), loadProgress()]);
      else if (view === 'score') await loadJury();
      else await loadHistory(false);
    } catch (e) {
      flash(fmt(TEXT.loadFailed, { msg: e.message }), 'error');
    }
  }

  // --- the queue -------------------------------------------------------------

  // The queue a page at a time (keyset, oldest first): as many pages as
  // the judge opened with "more"; the next cursor and the total are kept.
  async function fetchQueue() {
    let out = [], after = null, next = null, total = 0;
    for (let p = 0; p < state.pages; p++) {
      const data = await S.call('GET', '/moderation/queue/page' + qs({ limit: PER, after: after }));
      out = out.concat(listOf(data, ['entries']).filter((e) => e.contest === state.slug));
      next = data.next === undefined ? null : data.next;
      total = data.total || out.length;
      if (next === null) break;
      after = next;
    }
    state.queueNext = next;
    state.queueTotal = total;
    return out;
  }

  async function loadQueue() {
    state.queue = await fetchQueue();
    if (!current()) state.curId = state.queue.length ? state.queue[0].id : null;
    renderQueue();
    renderCurrent();
  }

  function current() {
    return state.queue.find((e) => e.id === state.curId) || null;
  }

  function indexOfCur() {
    return state.queue.findIndex((e) => e.id === state.curId);
  }

  // Removes entries from the queue; the current one moves to its successor.
  function dropFromQueue(ids) {
    const idx = indexOfCur();
    const curGone = ids.includes(state.curId);
    const before = state.queue.length;
    state.queue = state.queue.filter((e) => !ids.includes(e.id));
    state.queueTotal = Math.max((state.queueTotal || 0) - (before - state.queue.length), 0);
    for (const id of ids) state.selected.delete(id);
    if (curGone) {
      const next = state.queue[Math.min(Math.max(idx, 0), state.queue.length - 1)];
      state.curId = next ? next.id : null;
      renderCurrent();
    }
    renderQueue();
  }

  // The queue again, every few seconds: entries another judge decided
  // leave it (with a note saying who), new ones join at their place.
  async function poll() {
    if (document.hidden || state.view !== 'queue' || state.busy || !state.slug) return;
    let fresh;
    try {
      fresh = await fetchQueue();
    } catch (e) {
      return; // a missed poll is retried in a few seconds
    }
    if (state.busy || state.view !== 'queue') return;
    const ids = new Set(fresh.map((e) => e.id));
    const gone = state.queue.filter((e) => !ids.has(e.id) && !state.mine.has(e.id));
    const known = new Set(state.queue.map((e) => e.id));
    const added = fresh.filter((e) => !known.has(e.id)).length;
    const curGone = state.curId !== null && !ids.has(state.curId);
    const idx = indexOfCur();
    state.queue = fresh;
    for (const id of Array.from(state.selected)) if (!ids.has(id)) state.selected.delete(id);
    if (curGone) {
      cancelReject();
      closeOriginal();
      const next = fresh[Math.min(Math.max(idx, 0), fresh.length - 1)];
      state.curId = next ? next.id : null;
      renderCurrent();
    } else if (state.curId === null && fresh.length) {
      state.curId = fresh[0].id;
      renderCurrent();
    }
    renderQueue();
    if (gone.length) announceGone(gone);
    else if (added) flash(fmt(TEXT.newEntries, { n: added }), 'info');
    if (gone.length || added) loadProgress();
  }

  // Says who decided the entries that left the queue, from the history.
  async function announceGone(gone) {
    let rows = [];
    try {
      rows = listOf(await S.call('GET', '/moderation/history' + qs({ limit: HISTORY_PAGE })),
        ['history', 'decisions', 'entries']);
    } catch (e) { rows = []; }
    const notes = gone.slice(0, 3).map((e) => {
      const row = rows.find((h) => Number(h.entry_id) === Number(e.id));
      if (!row) return fmt(TEXT.goneUnknown, { title: e.title });
      const st = /reject/.test(row.action) ? 'rejected' : 'approved';
      return fmt(TEXT.goneByOther, { title: e.title, name: nameOf(row.actor), verb: TEXT.verb[st] });
    });
    flash(notes.join(' '), 'warn');
  }

  async function loadProgress() {
    try {
      const p = await S.call('GET', '/moderation/progress' + qs());
      state.progress = (p && p.progress) || p;
    } catch (e) {
      state.progress = null;
    }
    renderProgress();
  }

  function renderProgress() {
    const p = $('progress');
    if (state.view === 'score') {
      const pr = state.jury && state.jury.progress;
      p.textContent = pr ? fmt(TEXT.scoreProgress, pr) : '';
      return;
    }
    const g = state.progress;
    if (g && typeof g.pending === 'number') {
      // Left for me: what a conflict of interest does not keep from me.
      const left = typeof g.pending_for_me === 'number' ? g.pending_for_me : g.pending;
      let t = fmt(TEXT.progress, { done: (g.approved || 0) + (g.rejected || 0), left: left });
      if (typeof g.decided_by_me === 'number') t += fmt(TEXT.progressMine, { mine: g.decided_by_me });
      p.textContent = t;
    } else {
      p.textContent = fmt(TEXT.progressLeft, { left: state.queue.length });
    }
  }

  function renderQueue() {
    const ol = $('queue');
    ol.replaceChildren();
    state.queue.forEach((e) => {
      const li = el('li', { class: 'item' + (e.id === state.curId ? ' current' : ''), 'data-id': e.id });
      if (e.id === state.curId) li.setAttribute('aria-current', 'true');
      const box = el('input', { type: 'checkbox', class: 'pick', 'aria-label': fmt(TEXT.selectEntry, { title: e.title }) });
      box.checked = state.selected.has(e.id);
      box.addEventListener('change', () => {
        if (box.checked) state.selected.add(e.id); else state.selected.delete(e.id);
        renderBulk();
      });
      const btn = el('button', { type: 'button', class: 'item-main' });
      const m = e.media || {};
      const thumb = S.picture(m.thumb_webp, m.thumb_jpeg, '', 'thumb');
      thumb.querySelector('img').loading = 'lazy';
      btn.appendChild(thumb);
      const txt = el('span', 'item-text');
      txt.appendChild(el('span', 'item-title', e.title));
      txt.appendChild(el('span', 'item-meta', (e.author ? e.author.display_name : '') + ' · ' + S.fmtDate(e.created_at)));
      btn.appendChild(txt);
      btn.addEventListener('click', () => { setCurrent(e.id); });
      li.append(box, btn);
      ol.appendChild(li);
    });
    $('queue-empty').hidden = state.queue.length > 0;
    const more = $('queue-more');
    more.hidden = state.queueNext === null;
    more.textContent = fmt(TEXT.moreQueue, { n: Math.max(state.queueTotal - state.queue.length, 0) });
    for (const li of ol.children) {
      if (state.marks[li.dataset.id] === 'maybe') {
        li.classList.add('maybe');
        li.querySelector('.item-text').appendChild(el('span', 'badge maybe', TEXT.maybeBadge));
      }
    }
    const at = indexOfCur();
    const n = Math.max(state.queue.length, state.queueTotal || 0); // every page, not only those shown
    $('queue-count').textContent = at >= 0 ? fmt(TEXT.position, { i: at + 1, n: n }) : String(n);
    renderBulk();
    renderProgress();
    const cur = ol.querySelector('.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
  }

  function renderBulk() {
    const n = state.selected.size;
    const b = $('bulk-approve');
    b.disabled = n === 0 || state.busy;
    b.textContent = n ? fmt(TEXT.bulkApproveN, { n: n }) : TEXT.bulkApprove;
    withKey(b, 'Shift+A');
    $('select-all').checked = n > 0 && n === state.queue.length;
    $('bulk').hidden = state.queue.length === 0;
  }

  function setCurrent(id) {
    if (id === state.curId) return;
    state.curId = id;
    cancelReject();
    renderQueue();
    renderCurrent();
  }

  function move(delta) {
    if (state.view === 'score') return moveScore(delta);
    if (!state.queue.length) return;
    const i = indexOfCur();
    const j = Math.min(Math.max((i < 0 ? 0 : i) + delta, 0), state.queue.length - 1);
    setCurrent(state.queue[j].id);
  }

  function renderCurrent() {
    const e = current();
    $('details').hidden = !e;
    preview($('preview'), e);
    renderSimilar(e);
    renderHints(e);
    if (!e) return;
    $('entry-title').textContent = e.title;
    const dl = $('facts');
    dl.replaceChildren();
    const a = e.author || {};
    fact(dl, TEXT.factAuthor, a.display_name + (e.author_username ? ' (' + e.author_username + ')' : ''));
    fact(dl, TEXT.factUnit, e.unit || a.unit);
    fact(dl, TEXT.factCategory, e.category ? e.category.name : TEXT.noCategory);
    fact(dl, TEXT.factSubmitted, S.fmtDate(e.created_at));
    fact(dl, TEXT.factCamera, e.camera);
    fact(dl, TEXT.factTaken, S.fmtExifDate(e.taken_at));
    fact(dl, TEXT.factOriginal, e.original_width ? fmt(TEXT.originalMeta,
      { w: e.original_width, h: e.original_height, type: e.original_type || '' }) : null);
    $('caption').textContent = e.caption || '';
    $('caption').hidden = !e.caption;
    $('maybe').setAttribute('aria-pressed', String(state.marks[e.id] === 'maybe'));
    preloadNext();
  }

  // The next photos' display images are fetched while the judge looks at
  // this one, so j (or a decision) shows the next at once.
  function preloadNext() {
    const i = indexOfCur();
    state.preloaded = state.preloaded || new Set();
    for (const e of state.queue.slice(i + 1, i + 1 + PRELOAD)) {
      const m = e.media || {};
      const url = m.display_webp || m.display_jpeg;
      if (!url || state.preloaded.has(url)) continue;
      state.preloaded.add(url);
      const img = new Image();
      img.decoding = 'async';
      img.src = url;
    }
  }

  // Photo hints (issue 16): the EXIF date outside the contest window, the
  // same photo from another entrant.  Hints for the judge, not rules.
  // An entrant who may be under 16 without a guardian's consent (Decree
  // 13/2023): approving is refused until the guardian consents.
  function renderHints(e) {
    const list = ((e && Array.isArray(e.hints)) ? e.hints : []).slice();
    if (e && e.guardian_missing) list.unshift({ kind: 'guardian', text: TEXT.guardianMissing });
    const box = $('photo-hints');
    box.replaceChildren(...list.map((h) => {
      let t = h.text;
      if (h.taken_at) t += ' (' + S.fmtExifDate(h.taken_at) + ')';
      if (h.entry_id) t += ': #' + h.entry_id + (h.contest ? ' · ' + fmt(TEXT.similarOther, { contest: h.contest }) : '');
      return el('li', 'hint hint-' + h.kind, t);
    }));
    box.hidden = list.length === 0;
  }

  function renderSimilar(e) {
    const list = (e && Array.isArray(e.similar)) ? e.similar : [];
    $('similar').hidden = list.length === 0;
    const box = $('similar-list');
    box.replaceChildren();
    if (!list.length) return;
    const m = e.media || {};
    const mine = el('figure', 'sim this');
    mine.appendChild(S.picture(m.thumb_webp, m.thumb_jpeg, e.title));
    mine.appendChild(el('figcaption', null, TEXT.similarThis));
    box.appendChild(mine);
    for (const s of list) {
      const f = el('figure', 'sim');
      const img = el('img', { alt: '#' + s.id, loading: 'lazy', decoding: 'async' });
      const note = el('span', 'sim-none', TEXT.similarHidden);
      note.hidden = true;
      img.addEventListener('error', () => { img.hidden = true; note.hidden = false; });
      if (s.thumb_jpeg) img.src = s.thumb_jpeg; else { img.hidden = true; note.hidden = false; }
      f.append(img, note);
      let cap = fmt(TEXT.similarItem, { id: s.id, status: TEXT.status[s.status] || s.status || '', distance: s.distance });
      if (s.contest && s.contest !== e.contest) cap += ' · ' + fmt(TEXT.similarOther, { contest: s.contest });
      f.appendChild(el('figcaption', null, cap));
      box.appendChild(f);
    }
  }

  // --- decisions -------------------------------------------------------------

  function startReject() {
    if (!current() || state.busy) return;
    state.rejecting = true;
    $('reasons').hidden = false;
    $('reason-free').value = '';
    $('reject').setAttribute('aria-expanded', 'true');
    $('reasons').scrollIntoView({ block: 'nearest' });
  }

  function cancelReject() {
    state.rejecting = false;
    $('reasons').hidden = true;
    $('reject').setAttribute('aria-expanded', 'false');
    if (document.activeElement === $('reason-free')) $('reason-free').blur();
  }

  function setBusy(b) {
    state.busy = b;
    for (const id of ['approve', 'reject', 'reason-send']) $(id).disabled = b;
    renderBulk();
  }

  async function decide(action, reason) {
    const e = current();
    if (!e || state.busy) return;
    setBusy(true);
    const body = action === 'approve' ? { action: 'approve' } : { action: 'reject', reason: reason };
    try {
      await S.call('POST', '/entries/' + e.id + '/moderation', body);
      state.mine.add(e.id);
      cancelReject();
      remember(e, action === 'approve' ? 'approved' : 'rejected', reason);
      flash(action === 'approve' ? fmt(TEXT.approved, { title: e.title })
        : fmt(TEXT.rejected, { title: e.title, reason: reason }), 'ok');
      offerUndo(e);
      dropFromQueue([e.id]);
    } catch (err) {
      if (err.status === 409) {
        cancelReject();
        const text = conflictText(e, err);
        if (text) flash(text, 'warn'); else announceGone([e]);
        dropFromQueue([e.id]);
      } else {
        flash(fmt(TEXT.failed, { msg: err.message }), 'error');
      }
    } finally {
      setBusy(false);
      loadProgress();
    }
  }

  // --- undo: the flash offers it for a few seconds (key u), the list of
  // recent decisions for as long as the server allows ------------------------

  function remember(e, status, reason) {
    state.recent = [{ id: e.id, title: e.title, status: status, reason: reason }]
      .concat(state.recent.filter((r) => r.id !== e.id)).slice(0, RECENT_MAX);
    state.undoUntil = Date.now() + UNDO_MS;
    renderRecent();
  }

  function offerUndo(e) {
    const f = $('flash');
    const b = el('button', { type: 'button', class: 'btn small undo', id: 'undo' }, TEXT.undo);
    withKey(b, 'u');
    b.addEventListener('click', () => undo(e.id));
    f.append(' ', b);
    const r = state.recent[0];
    if (r && r.id === e.id && r.status === 'approved') {
      f.append(' ', el('a', { href: '?' + new URLSearchParams({ contest: state.slug, view: 'score', entry: e.id }).toString() },
        TEXT.scoreToApproved));
    }
    clearTimeout(state.undoTimer);
    state.undoTimer = setTimeout(() => { const u = $('undo'); if (u) u.remove(); }, UNDO_MS);
  }

  function renderRecent() {
    const ol = $('recent-list');
    ol.replaceChildren();
    for (const r of state.recent) {
      const li = el('li', { class: 'recent-item ' + r.status, 'data-id': r.id });
      li.appendChild(el('span', 'recent-text', fmt(TEXT.recentItem, { verb: TEXT.status[r.status], title: r.title })));
      const b = el('button', { type: 'button', class: 'btn ghost small', 'aria-label': TEXT.undo + ': ' + r.title }, TEXT.undo);
      b.addEventListener('click', () => undo(r.id));
      li.appendChild(b);
      ol.appendChild(li);
    }
    $('recent').hidden = state.recent.length === 0;
  }

  async function undo(id) {
    const r = state.recent.find((x) => x.id === id);
    if (!r || state.busy) return;
    setBusy(true);
    try {
      await S.call('POST', '/entries/' + id + '/moderation/revert');
      state.recent = state.recent.filter((x) => x.id !== id);
      state.undoUntil = 0;
      flash(fmt(TEXT.undone, { title: r.title }), 'ok');
      state.queue = await fetchQueue();
      state.curId = state.queue.some((e) => e.id === id) ? id : state.curId;
      if (!current()) state.curId = state.queue.length ? state.queue[0].id : null;
      renderQueue();
      renderCurrent();
    } catch (err) {
      flash(fmt(TEXT.undoFailed, { title: r.title, msg: err.message }), 'error');
    } finally {
      renderRecent();
      setBusy(false);
      loadProgress();
    }
  }

  // --- the first pass: keep (1) / drop (2) / maybe (3); maybe is this
  // judge's own mark, kept in this browser --------------------------------------

  function marksKey() {
    return 'netdep.marks.' + (state.user ? state.user.username : '') + '.' + state.slug;
  }

  function loadMarks() {
    try { state.marks = JSON.parse(localStorage.getItem(marksKey()) || '{}') || {}; } catch (e) { state.marks = {}; }
  }

  function toggleMaybe() {
    const e = current();
    if (!e) return;
    const on = state.marks[e.id] !== 'maybe';
    if (on) state.marks[e.id] = 'maybe'; else delete state.marks[e.id];
    try { localStorage.setItem(marksKey(), JSON.stringify(state.marks)); } catch (err) { /* private mode */ }
    flash(fmt(on ? TEXT.maybeOn : TEXT.maybeOff, { title: e.title }), 'info');
    if (on) move(1);
    renderQueue();
    renderCurrent();
  }

  // --- the grid: many entries side by side; Enter or a click opens one -------

  function toggleGrid(on) {
    state.grid = on === undefined ? !state.grid : on;
    $('view-queue').classList.toggle('grid', state.grid);
    $('grid-btn').setAttribute('aria-pressed', String(state.grid));
    const cur = $('queue').querySelector('.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
  }

  function conflictText(e, err) {
    const b = err.body || {};
    const st = b.status || (b.error && b.error.status) || '';
    if (st === 'withdrawn') return fmt(TEXT.conflictWithdrawn, { title: e.title });
    const who = b.decided_by || (b.error && b.error.decided_by);
    if (!who || !TEXT.verb[st]) return null; // the history will say who
    return fmt(TEXT.conflict, { title: e.title, name: nameOf(who), verb: TEXT.verb[st] });
  }

  async function bulkApprove() {
    const ids = state.queue.filter((e) => state.selected.has(e.id)).map((e) => e.id);
    if (!ids.length || state.busy) return;
    setBusy(true);
    try {
      const data = await S.call('POST', '/moderation/bulk', { action: 'approve', entries: ids });
      const results = listOf(data, ['results']);
      let ok = 0, conflicts = 0, failed = 0;
      const gone = [];
      for (const r of results) {
        if (r.status === 200) { ok++; state.mine.add(r.id); gone.push(r.id); }
        else if (r.status === 409 || r.status === 404) { conflicts++; gone.push(r.id); }
        else failed++;
      }
      let msg = fmt(TEXT.bulkDone, { ok: ok });
      if (conflicts) msg += fmt(TEXT.bulkConflicts, { n: conflicts });
      if (failed) msg += fmt(TEXT.bulkFailed, { n: failed });
      flash(msg, failed || conflicts ? 'warn' : 'ok');
      dropFromQueue(gone);
    } catch (err) {
      flash(fmt(TEXT.failed, { msg: err.message }), 'error');
    } finally {
      setBusy(false);
      loadProgress();
    }
  }

  function toggleSelect() {
    const e = current();
    if (!e) return;
    if (state.selected.has(e.id)) state.selected.delete(e.id); else state.selected.add(e.id);
    renderQueue();
  }

  // --- the original ----------------------------------------------------------

  function openOriginal() {
    const e = state.view === 'score' ? scoreItem() && scoreItem().entry : current();
    if (!e || !e.original) return;
    const box = $('original-scroll');
    box.replaceChildren();
    const note = el('p', 'meta', TEXT.originalLoading);
    const img = el('img', { alt: e.title, id: 'original-img' });
    let standIn = false;
    img.addEventListener('load', () => { if (!standIn) note.remove(); });
    img.addEventListener('error', () => {
      // A phone's HEIC (and AVIF in an old browser) is kept as uploaded
      // but not every browser draws it: offer the file and the 1600 px
      // JPEG made from it.
      const heif = /^image\/(heic|avif)$/.test(e.original_type || '');
      const disp = e.media && e.media.display_jpeg;
      if (!heif) { note.textContent = TEXT.originalFailed; return; }
      note.replaceChildren(fmt(TEXT.originalNoShow, { type: e.original_type.slice(6).toUpperCase() }), ' ',
        el('a', { href: e.original, download: '' }, TEXT.originalDownload));
      if (disp) { standIn = true; img.src = disp; img.removeAttribute('id'); }
    }, { once: true });
    img.src = e.original;
    box.append(note, img);
    $('original-h').textContent = TEXT.originalTitle + ' – ' + e.title;
    $('original-meta').textContent = e.original_width ? fmt(TEXT.originalMeta,
      { w: e.original_width, h: e.original_height, type: e.original_type || '' }) : '';
    toggleZoom(false);
    $('original-overlay').hidden = false;
    // Focus the picture's box: the arrow keys scroll a large original.
    box.setAttribute('aria-label', TEXT.originalTitle);
    box.focus();
  }

  // Fit the box (the default) or the original's own pixels, 100%.
  function toggleZoom(actual) {
    const box = $('original-scroll');
    const on = actual === undefined ? !box.classList.contains('actual') : actual;
    box.classList.toggle('actual', on);
    const b = $('original-zoom');
    b.setAttribute('aria-pressed', String(on));
    b.textContent = on ? TEXT.zoomFit : TEXT.zoomActual;
    withKey(b, 'z');
  }

  function closeOriginal() {
    const o = $('original-overlay');
    if (o.hidden) return;
    o.hidden = true;
    $('original-scroll').replaceChildren();
  }

  function toggleHelp(on) {
    const o = $('help-overlay');
    o.hidden = on === undefined ? !o.hidden : !on;
    if (!o.hidden) $('help-close').focus();
  }

  // --- scoring ---------------------------------------------------------------

  async function loadJury() {
    const data = await S.call('GET', '/jury/entries' + qs());
    const c = contestOf(state.slug);
    state.jury = {
      items: listOf(data, ['entries']),
      criteria: (data && data.criteria) || (c && c.criteria) || [],
      progress: data && data.progress
    };
    const want = Number(new URLSearchParams(location.search).get('entry'));
    if (want && state.jury.items.some((it) => it.entry.id === want)) state.scoreId = want;
    if (!scoreItem()) {
      const first = state.jury.items.find((it) => !it.scores) || state.jury.items[0];
      state.scoreId = first ? first.entry.id : null;
    }
    renderScoreList();
    renderScore();
    renderProgress();
  }

  function scoreItem() {
    if (!state.jury) return null;
    return state.jury.items.find((it) => it.entry.id === state.scoreId) || null;
  }

  function weighted(scores) {
    if (!scores) return null;
    let sum = 0, w = 0;
    for (const c of state.jury.criteria) {
      const v = Number(scores[c.name]);
      if (isNaN(v)) return null;
      sum += v * c.weight;
      w += c.weight;
    }
    return w ? Math.round((sum / w) * 100) / 100 : null;
  }

  function renderScoreList() {
    const ol = $('score-list');
    ol.replaceChildren();
    const items = state.jury.items;
    for (const it of items) {
      const e = it.entry;
      const li = el('li', { class: 'item' + (e.id === state.scoreId ? ' current' : '') + (it.scores ? ' done' : ''), 'data-id': e.id });
      if (e.id === state.scoreId) li.setAttribute('aria-current', 'true');
      const btn = el('button', { type: 'button', class: 'item-main' });
      const m = e.media || {};
      const thumb = S.picture(m.thumb_webp, m.thumb_jpeg, '', 'thumb');
      thumb.querySelector('img').loading = 'lazy';
      btn.appendChild(thumb);
      const txt = el('span', 'item-text');
      txt.appendChild(el('span', 'item-title', e.title));
      const total = weighted(it.scores);
      txt.appendChild(el('span', 'item-meta', it.scores ? fmt(TEXT.scored, { total: total === null ? '' : total }) : TEXT.notScored));
      btn.appendChild(txt);
      btn.addEventListener('click', () => { state.scoreId = e.id; renderScoreList(); renderScore(); });
      li.appendChild(btn);
      ol.appendChild(li);
    }
    $('score-empty').hidden = items.length > 0;
    $('score-count').textContent = String(items.length);
    const cur = ol.querySelector('.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
  }

  function renderScore() {
    const it = scoreItem();
    const e = it ? it.entry : null;
    preview($('score-preview'), e);
    $('score-form').hidden = !e;
    $('score-title').textContent = e ? e.title : '';
    const dl = $('score-facts');
    dl.replaceChildren();
    if (!e) return;
    const a = e.author || {};
    fact(dl, TEXT.factAuthor, a.display_name);
    fact(dl, TEXT.factUnit, e.unit || a.unit);
    fact(dl, TEXT.factCategory, e.category ? e.category.name : TEXT.noCategory);
    if (e.camera !== undefined) fact(dl, TEXT.factCamera, e.camera);
    const box = $('criteria');
    box.replaceChildren();
    if (!state.jury.criteria.length) box.appendChild(el('p', 'empty', TEXT.noCriteria));
    state.jury.criteria.forEach((c, i) => {
      const id = 'crit-' + i;
      const row = el('div', 'crit');
      row.appendChild(el('label', { for: id }, fmt(TEXT.criterion, { name: c.name, weight: c.weight })));
      const range = el('input', { type: 'range', min: 0, max: 10, step: 0.5, 'aria-label': c.name, tabindex: -1 });
      const num = el('input', { type: 'number', id: id, min: 0, max: 10, step: 0.1, inputmode: 'decimal', 'data-criterion': c.name, required: true });
      const v = it.scores ? it.scores[c.name] : undefined;
      if (v !== undefined && v !== null) { num.value = String(v); range.value = String(v); } else { range.value = '5'; range.classList.add('unset'); }
      range.addEventListener('input', () => { num.value = range.value; range.classList.remove('unset'); renderTotal(); });
      num.addEventListener('input', () => {
        if (num.value !== '') { range.value = num.value; range.classList.remove('unset'); }
        renderTotal();
      });
      row.append(range, num);
      box.appendChild(row);
    });
    $('score-comment').value = it.comment || '';
    renderTotal();
  }

  function formScores() {
    const out = {};
    for (const n of $('criteria').querySelectorAll('input[type=number]')) {
      out[n.dataset.criterion] = n.value;
    }
    return out;
  }

  function renderTotal() {
    const raw = formScores();
    const s = {};
    for (const k of Object.keys(raw)) s[k] = raw[k] === '' ? NaN : Number(raw[k]);
    const t = state.jury && state.jury.criteria.length ? weighted(s) : null;
    $('score-total').textContent = t === null ? '' : fmt(TEXT.scoreTotal, { total: t.toLocaleString(S.TEXT.locale) });
  }

  async function saveScore() {
    const it = scoreItem();
    if (!it || state.busy) return;
    const raw = formScores();
    const criteria = {};
    for (const c of state.jury.criteria) {
      const txt = String(raw[c.name] || '').trim().replace(',', '.');
      if (!/^(10(\.0)?|\d(\.\d)?)$/.test(txt)) {
        flash(fmt(TEXT.scoreInvalid, { name: c.name }), 'error');
        const bad = $('criteria').querySelector('input[data-criterion="' + CSS.escape(c.name) + '"]');
        if (bad) bad.focus();
        return;
      }
      criteria[c.name] = Number(txt);
    }
    setBusy(true);
    try {
      const res = await S.call('PUT', '/entries/' + it.entry.id + '/scores',
        { criteria: criteria, comment: $('score-comment').value });
      const wasNew = !it.scores;
      it.scores = (res && res.scores && res.scores.criteria) || (res && res.scores) || criteria;
      if (typeof it.scores !== 'object' || Array.isArray(it.scores)) it.scores = criteria;
      it.comment = $('score-comment').value;
      if (wasNew && state.jury.progress) state.jury.progress.scored++;
      flash(fmt(TEXT.scoreSaved, { title: it.entry.title }), 'ok');
      const items = state.jury.items;
      const i = items.indexOf(it);
      const next = items.slice(i + 1).find((x) => !x.scores) || items.find((x) => !x.scores) || items[Math.min(i + 1, items.length - 1)];
      state.scoreId = next.entry.id;
      renderScoreList();
      renderScore();
      renderProgress();
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    } catch (err) {
      flash(fmt(TEXT.failed, { msg: err.message }), 'error');
    } finally {
      setBusy(false);
    }
  }

  // A digit from the page (not typed in a box) fills the first criterion
  // still empty, 0 meaning 10: a judge scores with one hand, then Enter.
  function quickScore(k) {
    const empty = Array.from($('criteria').querySelectorAll('input[type=number]')).find((n) => n.value === '');
    if (!empty) return false;
    empty.value = k === '0' ? '10' : k;
    empty.dispatchEvent(new Event('input'));
    return true;
  }

  function formFull() {
    const nums = $('criteria').querySelectorAll('input[type=number]');
    return nums.length > 0 && Array.from(nums).every((n) => n.value !== '');
  }

  function moveScore(delta) {
    if (!state.jury || !state.jury.items.length) return;
    const items = state.jury.items;
    const i = items.findIndex((x) => x.entry.id === state.scoreId);
    const j = Math.min(Math.max((i < 0 ? 0 : i) + delta, 0), items.length - 1);
    state.scoreId = items[j].entry.id;
    renderScoreList();
    renderScore();
  }

  // --- history ---------------------------------------------------------------

  async function loadHistory(more) {
    if (!more) { state.history = []; state.historyDone = false; }
    const last = state.history[state.history.length - 1];
    const extra = { limit: HISTORY_PAGE };
    if (more && last) extra.before = last.id !== undefined ? last.id : last.at;
    const rows = listOf(await S.call('GET', '/moderation/history' + qs(extra)), ['history', 'decisions', 'entries']);
    state.history = state.history.concat(rows);
    state.historyDone = rows.length < HISTORY_PAGE;
    renderHistory();
  }

  function renderHistory() {
    const head = $('history-head');
    if (!head.children.length) {
      const tr = head.appendChild(el('tr'));
      for (const c of TEXT.historyCols) tr.appendChild(el('th', { scope: 'col' }, c));
    }
    const body = $('history-body');
    body.replaceChildren();
    for (const h of state.history) {
      const tr = el('tr', /reject/.test(h.action) ? 'rej' : 'ok');
      tr.appendChild(el('td', null, S.fmtDate(h.at)));
      const a = h.actor || {};
      tr.appendChild(el('td', null, typeof a === 'string' ? a : (a.display_name || '') + (a.username ? ' (' + a.username + ')' : '')));
      tr.appendChild(el('td', 'act', TEXT.action[h.action] || h.action));
      tr.appendChild(el('td', null, '#' + h.entry_id + (h.entry_title ? ' ' + h.entry_title : '')));
      tr.appendChild(el('td', null, h.reason || ''));
      body.appendChild(tr);
    }
    $('history-empty').hidden = state.history.length > 0;
    $('history-more').hidden = state.historyDone;
  }

  // --- the keyboard ----------------------------------------------------------

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) {
      if (ev.key === 'Enter' && ev.target === $('score-comment')) { ev.preventDefault(); saveScore(); }
      return;
    }
    const k = ev.key;
    const t = ev.target;
    const typing = t && (t.tagName === 'INPUT' && t.type !== 'checkbox' && t.type !== 'range' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
    const orig = !$('original-overlay').hidden;
    const help = !$('help-overlay').hidden;
    if (k === 'Escape') {
      if (help) toggleHelp(false);
      else if (orig) closeOriginal();
      else if (state.rejecting) cancelReject();
      else if (typing) t.blur();
      else return;
      ev.preventDefault();
      return;
    }
    if (typing) return;
    if (k === '?') { ev.preventDefault(); toggleHelp(); return; }
    if (help) return;
    if (orig) {
      if (k === 'o') { ev.preventDefault(); closeOriginal(); }
      if (k === 'z') { ev.preventDefault(); toggleZoom(); }
      return;
    }
    if (state.view === 'queue' && state.rejecting) {
      if (/^[1-9]$/.test(k) && Number(k) <= state.reasons.length) {
        ev.preventDefault();
        decide('reject', state.reasons[Number(k) - 1]);
      } else if (k === '0') {
        ev.preventDefault();
        $('reason-free').focus();
      }
      return;
    }
    let done = true;
    switch (k) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'm': show('queue'); break;
      case 's': show('score'); break;
      case 'h': show('history'); break;
      case 'o': openOriginal(); break;
      default: done = false;
    }
    if (!done && state.view === 'queue') {
      done = true;
      switch (k) {
        case 'a': case '1': decide('approve'); break;
        case 'A': bulkApprove(); break;
        case 'r': case '2': startReject(); break;
        case '3': toggleMaybe(); break;
        case 'u': if (state.recent.length && Date.now() < state.undoUntil) undo(state.recent[0].id); break;
        case 'g': toggleGrid(); break;
        case 'Enter': if (state.grid && (t.tagName !== 'BUTTON' || t.closest('#queue'))) toggleGrid(false); else done = false; break;
        case 'x': toggleSelect(); break;
        default: done = false;
      }
    }
    if (!done && state.view === 'score' && /^[0-9]$/.test(k)) { done = quickScore(k); }
    if (!done && state.view === 'score' && k === 'Enter' && t.tagName !== 'BUTTON' && t.tagName !== 'A' && formFull()) {
      saveScore();
      done = true;
    }
    if (!done && state.view === 'score' && k === 'Enter' && t.tagName !== 'BUTTON' && t.tagName !== 'A') {
      const first = $('criteria').querySelector('input[type=number]');
      if (first) { first.focus(); first.select(); done = true; }
    }
    if (done) ev.preventDefault();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
