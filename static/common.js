// netdep common.js: what every public page shares — the API client, the
// session, Vietnamese formats (dd/mm/yyyy in Vietnam time, 1.234) and the
// Vietnamese message of every refusal the server gives.  User text is only
// ever inserted with textContent (ND.el), never parsed as HTML.
'use strict';

(function () {
  // Every string of this file, in one place (a later English version
  // swaps this object).
  const T = {
    hello: 'Chào {name}',
    number: 'Số ',
    searching: 'Đang tìm…',
    found: 'Tìm thấy {n} ảnh.',
    foundMore: 'Hơn {n} ảnh; gõ thêm để thu hẹp.',
    foundNone: 'Không tìm thấy ảnh nào.',
    chip: 'Bỏ lọc: {v}',
    chipQ: 'Tìm: “{q}”',
    login: 'Đăng nhập',
    network: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    notReady: 'Chức năng này chưa có trên máy chủ. Vui lòng quay lại sau.',
    httpError: 'Máy chủ báo lỗi (mã {status}). Vui lòng thử lại sau.',
    noContest: 'Chưa có cuộc thi nào.',
    fieldError: '{field}: thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
    errors: {
      unsupported_image: 'Định dạng ảnh không được hỗ trợ. Hãy chọn ảnh JPEG, PNG hoặc WebP.',
      image_too_large: 'Ảnh quá lớn (dung lượng hoặc số điểm ảnh vượt giới hạn của cuộc thi).',
      image_too_small: 'Ảnh quá nhỏ: cạnh ngắn của ảnh chưa đạt mức tối thiểu của cuộc thi.',
      image_corrupt: 'Tệp ảnh bị hỏng hoặc không đọc được. Hãy chọn ảnh khác.',
      entry_limit: 'Bạn đã gửi đủ số ảnh tối đa cho cuộc thi này.',
      upload_quota: 'Hôm nay bạn đã tải lên đủ số ảnh tối đa cho một tài khoản. Hãy tải tiếp sau 0 giờ (giờ Việt Nam).',
      submissions_closed: 'Cuộc thi hiện không nhận ảnh dự thi.',
      invalid_field: 'Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
      bad_field: 'Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
      csrf: 'Phiên làm việc đã thay đổi. Hãy tải lại trang rồi thử lại.',
      login_required: 'Bạn cần đăng nhập để làm việc này.',
      already_voted: 'Bạn đã bình chọn cho ảnh này rồi.',
      budget_spent: 'Bạn đã dùng hết lượt bình chọn hôm nay. Hẹn gặp lại ngày mai!',
      own_entry: 'Bạn không thể bình chọn cho ảnh của chính mình.',
      voting_closed: 'Cuộc thi hiện không mở bình chọn.',
      not_approved: 'Ảnh này chưa mở bình chọn.',
      no_entry: 'Không tìm thấy ảnh dự thi này.',
      no_contest: 'Không tìm thấy cuộc thi này.',
      bad_credentials: 'Tên đăng nhập hoặc mật khẩu không đúng.',
      username_taken: 'Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.',
      too_large: 'Dữ liệu gửi lên quá lớn.',
      bad_multipart: 'Dữ liệu gửi lên bị lỗi. Hãy thử lại.',
      bad_json: 'Dữ liệu gửi lên bị lỗi. Hãy thử lại.',
      bad_form: 'Dữ liệu gửi lên bị lỗi. Hãy thử lại.',
      unsupported_media_type: 'Dữ liệu gửi lên không đúng định dạng.',
      busy: 'Máy chủ đang bận. Vui lòng thử lại sau ít phút.',
      storage: 'Không lưu được ảnh. Vui lòng thử lại.',
      unavailable: 'Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút.',
      internal: 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
      rate_limited: 'Bạn thao tác quá nhanh. Hãy chờ một chút rồi thử lại.',
      too_many_requests: 'Bạn thao tác quá nhanh. Hãy chờ một chút rồi thử lại.',
      forbidden: 'Bạn không có quyền làm việc này.',
      results_not_published: 'Kết quả chưa được công bố.',
      not_editable: 'Ảnh này không còn sửa được.',
      not_withdrawable: 'Ảnh này không còn rút được.',
      withdraw_closed: 'Đã hết hạn rút ảnh.',
      edit_closed: 'Đã hết hạn sửa ảnh.',
      already_withdrawn: 'Ảnh này đã được rút.',
      conflict: 'Dữ liệu đã thay đổi. Hãy tải lại trang.',
      idempotency_conflict: 'Yêu cầu bị trùng. Hãy tải lại trang.',
      unknown_unit: 'Không có đơn vị này. Hãy chọn đơn vị trong danh sách, hoặc chọn “Đơn vị của tôi không có trong danh sách” rồi gõ tên.',
      outside_unit: 'Cuộc thi này chỉ dành cho đoàn viên thuộc đơn vị tổ chức.',
      no_unit: 'Không tìm thấy đơn vị này.'
    },
    fields: {
      title: 'Tên ảnh', caption: 'Câu chuyện', category: 'Thể loại', photo: 'Ảnh',
      username: 'Tên đăng nhập', password: 'Mật khẩu', display_name: 'Họ tên',
      unit: 'Chi đoàn / đơn vị', unit_code: 'Chi đoàn / đơn vị', email: 'Thư điện tử',
      phone: 'Số điện thoại'
    },
    phases: {
      upcoming: 'Sắp mở', submissions: 'Đang nhận ảnh',
      submissions_and_voting: 'Đang nhận ảnh và bình chọn', voting: 'Đang bình chọn',
      closed: 'Đã kết thúc', results: 'Đã công bố kết quả'
    },
    status: {
      pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Bị từ chối',
      withdrawn: 'Đã rút'
    },
    dayUnit: 'ngày'
  };

  const API = '/api/v1';
  const USER_KEY = 'netdep.user';
  const TZ = 'Asia/Ho_Chi_Minh';
  // Made on first use: building them loads locale and time-zone data, a
  // cost every page paid at start even when it showed no number or date.
  let numFmt = null, dateFmt = null;
  function numFormat() {
    return numFmt || (numFmt = new Intl.NumberFormat('vi-VN'));
  }
  function dateFormat() {
    return dateFmt || (dateFmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
    }));
  }

  function fill(s, vars) {
    return s.replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m));
  }

  function $(id) { return document.getElementById(id); }

  // el('p', {class: 'x', href: '/y'}, 'text'): text always via textContent.
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
        if (k === 'class') e.className = attrs[k];
        else e.setAttribute(k, attrs[k] === true ? '' : String(attrs[k]));
      }
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function num(n) { return numFormat().format(Number(n) || 0); }

  // dd/mm/yyyy HH:MM in Vietnam time; dateOnly leaves the hour out.
  function date(s, dateOnly) {
    if (!s) return '';
    const d = new Date(s);
    if (isNaN(d)) return '';
    const p = {};
    for (const part of dateFormat().formatToParts(d)) p[part.type] = part.value;
    const day = p.day + '/' + p.month + '/' + p.year;
    return dateOnly ? day : p.hour + ':' + p.minute + ' ' + day;
  }

  class ApiError extends Error {
    constructor(status, code, message, body) {
      super(message);
      this.status = status;
      this.code = code;
      this.body = body || null;
    }
  }

  // The Vietnamese message for an error answer (code and English message).
  function message(code, serverMsg, status) {
    if (code === 'invalid_field' || code === 'bad_field') {
      const m = /Field (\w+)/.exec(serverMsg || '');
      if (m && T.fields[m[1]]) return fill(T.fieldError, { field: T.fields[m[1]] });
    }
    if (T.errors[code]) return T.errors[code];
    if (status === 429) return T.errors.rate_limited;
    if (status === 401) return T.errors.login_required;
    if (status >= 500) return T.errors.unavailable;
    return fill(T.httpError, { status: status });
  }

  function errorFrom(status, body) {
    const err = body && body.error ? body.error : {};
    const code = err.code || 'http_' + status;
    return new ApiError(status, code, message(code, err.message, status), body);
  }

  // api('GET', '/contests') -> parsed JSON; throws ApiError.
  async function api(method, path, opts) {
    opts = opts || {};
    const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
    const init = { method: method, headers: headers, credentials: 'same-origin' };
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      init.body = opts.body;            // as it is (a CSV file), headers given
    }
    if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
    let r;
    try {
      r = await fetch(API + path, init);
    } catch (e) {
      throw new ApiError(0, 'network', T.network);
    }
    let body = null;
    if (r.status !== 204) {
      try { body = await r.json(); } catch (e) { body = null; }
    }
    if (!r.ok) throw errorFrom(r.status, body);
    return body;
  }

  // Is the error "this route does not exist on the server yet"?
  function missing(err) {
    return err && (err.code === 'not_found' || err.code === 'method_not_allowed' ||
                   err.status === 405 || (err.status === 404 && err.code === 'http_404'));
  }

  const session = { user: null, csrf: null };

  function remembered() {
    try { return JSON.parse(localStorage.getItem(USER_KEY) || 'null'); } catch (e) { return null; }
  }

  function remember(user) {
    try {
      if (user) localStorage.setItem(USER_KEY, JSON.stringify({ name: user.display_name }));
      else localStorage.removeItem(USER_KEY);
    } catch (e) { /* private mode: the header just shows "log in" */ }
  }

  // The session, asked only when this browser logged in before (so a
  // visitor's page makes no request that must fail), or when force is set.
  async function loadSession(force) {
    if (!force && !remembered()) return null;
    try {
      const s = await api('GET', '/session');
      session.user = s.user;
      session.csrf = s.csrf_token;
      remember(s.user);
    } catch (e) {
      if (e.status === 401) remember(null);
      session.user = null;
      session.csrf = null;
    }
    renderNav();
    return session.user;
  }

  function setSession(body) {
    session.user = body.user;
    session.csrf = body.csrf_token;
    remember(body.user);
  }

  async function logout() {
    try { await api('DELETE', '/session'); } catch (e) { /* already gone */ }
    session.user = null;
    session.csrf = null;
    remember(null);
  }

  // A same-site path to go back to after logging in, never another site.
  // ?next= is followed only to a path of this site.  Browsers drop tabs
  // and newlines from URLs and read "\\" as "/", so "/\t/evil.com" and
  // "/\\evil.com" mean another site: any control character, space or
  // backslash refuses, and what is left must resolve to this origin.
  function safeNext(s) {
    if (typeof s !== 'string' || s[0] !== '/' || /[\u0000-\u0020\u007f\\]/.test(s)) return '/';
    let u;
    try { u = new URL(s, location.origin); } catch (e) { return '/'; }
    if (u.origin !== location.origin || s.startsWith('//')) return '/';
    return u.pathname + u.search + u.hash;
  }

  function loginUrl() {
    return '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
  }

  function renderNav() {
    const a = $('nav-login');
    if (!a) return;
    const who = session.user ? { name: session.user.display_name } : remembered();
    if (who) {
      a.textContent = fill(T.hello, { name: who.name });
      a.href = '/me.html';
    } else {
      a.textContent = T.login;
      a.href = loginUrl();
    }
  }

  function param(name) { return new URLSearchParams(location.search).get(name); }

  // The contest the page is about: ?contest=, the page's data-contest, or
  // the newest contest.  contestSlug() answers as soon as the slug is
  // known, so a page can ask for its entries while the contest's details
  // are still coming (one round trip less before the first photo).
  let slugPromise = null, contestPromise = null;
  function contestSlug() {
    if (slugPromise) return slugPromise;
    slugPromise = (async () => {
      const slug = param('contest') || document.body.dataset.contest;
      if (slug) return slug;
      const list = await api('GET', '/contests');
      if (!list.contests || list.contests.length === 0) return null;
      const live = list.contests.find((c) => c.phase !== 'closed' && c.phase !== 'results');
      return (live || list.contests[0]).slug;
    })();
    return slugPromise;
  }
  function contest() {
    if (contestPromise) return contestPromise;
    contestPromise = (async () => {
      const slug = await contestSlug();
      if (!slug) return null;
      return (await api('GET', '/contests/' + encodeURIComponent(slug))).contest;
    })();
    return contestPromise;
  }

  // Keeps ?contest= on the site's links when the page was opened with it.
  function keepContest() {
    const slug = param('contest');
    if (!slug) return;
    for (const a of document.querySelectorAll('a[data-keep]')) {
      const u = new URL(a.href, location.href);
      u.searchParams.set('contest', slug);
      a.href = u.pathname + u.search;
    }
  }

  // kind 'display': the 1600 px image; 'first': a thumbnail in the first
  // row, the page's largest paint, fetched at once and first; else a
  // thumbnail fetched when it nears the screen.
  function picture(media, alt, kind) {
    const big = kind === 'display', first = kind === 'first';
    const pic = document.createElement('picture');
    const webp = media && (big ? media.display_webp : media.thumb_webp);
    const jpeg = media && (big ? media.display_jpeg : media.thumb_jpeg);
    if (webp) pic.appendChild(el('source', { type: 'image/webp', srcset: webp }));
    const img = el('img', {
      alt: alt, loading: big || first ? null : 'lazy', decoding: 'async',
      fetchpriority: first ? 'high' : null,
      width: media && (big ? media.width : media.thumb_width),
      height: media && (big ? media.height : media.thumb_height)
    });
    if (jpeg) img.src = jpeg;
    pic.appendChild(img);
    return pic;
  }

  // "đang xác minh" (issue 16): the votes of e held for review, a badge
  // next to its count; an empty text node when there are none.
  function underReview(e) {
    const n = Number(e && e.under_review) || 0;
    if (n <= 0) return document.createTextNode('');
    return el('span', { class: 'badge review', title: 'Lượt bình chọn đang được ban tổ chức xác minh: chưa tính để xét giải' },
      ' · ' + num(n) + ' đang xác minh');
  }

  // An entry's card for grids (gallery, home); i is its place in the
  // grid (the first two, a phone's first row, are fetched first).
  function card(e, words, i) {
    const li = el('li', { class: 'card' });
    const a = el('a', { href: '/e/' + encodeURIComponent(e.id) });
    a.appendChild(picture(e.media, e.title, i < 2 ? 'first' : null));
    const body = el('div', { class: 'body' });
    if (e.number) body.appendChild(el('p', { class: 'num' }, T.number + e.number));
    body.appendChild(el('p', { class: 'title' }, e.title));
    const au = e.author || {};
    const by = [au.display_name, au.unit || e.unit].filter(Boolean).join(' · ');
    if (by) body.appendChild(el('p', { class: 'by' }, by));
    const votes = el('p', { class: 'votes' }, num(e.votes) + ' ' + words);
    votes.appendChild(underReview(e));
    body.appendChild(votes);
    a.appendChild(body);
    li.appendChild(a);
    return li;
  }

  // form#search (issue 15): results 250 ms after the last key, Enter at once,
  // the count in a live region; an older request is cancelled.
  // The query stays in the URL (?q=), so onQuery can show it as a chip.
  function searchBox(slug, words, onQuery) {
    const input = $('q'), status = $('search-status'), out = $('search-results');
    if (!input) return;
    let timer = null, ctl = null;
    async function run() {
      const text = input.value.trim();
      if (ctl) ctl.abort();
      ctl = null;
      if (text !== (param('q') || '')) {
        const u = new URLSearchParams(location.search);
        if (text) u.set('q', text); else u.delete('q');
        history.replaceState(history.state, '', location.pathname + (u.toString() ? '?' + u : ''));
        if (onQuery) onQuery();
      }
      if (!text) { out.replaceChildren(); status.textContent = ''; return; }
      const mine = ctl = new AbortController();
      status.textContent = T.searching;
      try {
        const r = await fetch(API + '/contests/' + encodeURIComponent(slug) + '/entries?' +
          new URLSearchParams({ q: text, limit: '12' }), { signal: mine.signal });
        const body = await r.json().catch(() => null);
        if (mine !== ctl) return;
        if (!r.ok) throw errorFrom(r.status, body);
        const list = body.entries;
        out.replaceChildren(...list.map((e) => card(e, words)));
        status.textContent = list.length ? fill(body.more ? T.foundMore : T.found, { n: list.length }) : T.foundNone;
      } catch (e) {
        if (e.name !== 'AbortError') status.textContent = e.message;
      }
    }
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
    $('search').addEventListener('submit', (ev) => { ev.preventDefault(); clearTimeout(timer); run(); });
    input.value = param('q') || '';
    if (input.value) run();
  }

  // The active filters as chips (issue 17): on is [[param, label]] of
  // this page's URL; each chip links to the page without that filter.
  function chips(ul, on) {
    ul.replaceChildren(...on.filter((f) => f[1]).map(([k, v]) => {
      const u = new URLSearchParams(location.search);
      for (const d of [k, 'cursor', 'page']) u.delete(d);
      const a = el('a', { class: 'chip', href: location.pathname + (u.toString() ? '?' + u : ''), 'aria-label': fill(T.chip, { v: v }) });
      a.append(v, el('span', { 'aria-hidden': 'true' }, '×'));
      const li = el('li');
      li.appendChild(a);
      return li;
    }));
  }

  // Chips for ?category= (by its name), ?unit= and ?q= of contest c.
  function filterChips(ul, c) {
    const cat = (c.categories || []).find((k) => String(k.id) === param('category'));
    chips(ul, [['category', cat && cat.name], ['unit', param('unit')],
      ['q', param('q') && fill(T.chipQ, { q: param('q') })]]);
  }

  function showError(target, err) {
    const p = typeof target === 'string' ? $(target) : target;
    if (!p) return;
    p.textContent = err && err.message ? err.message : String(err);
    p.hidden = false;
  }

  // A random id per click for Idempotency-Key.
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' +
      h.slice(16, 20) + '-' + h.slice(20);
  }

  window.ND = {
    T: T, $: $, el: el, num: num, date: date, fill: fill, api: api, ApiError: ApiError,
    errorFrom: errorFrom, message: message, missing: missing, session: session,
    loadSession: loadSession, setSession: setSession, logout: logout,
    safeNext: safeNext, loginUrl: loginUrl, param: param, contest: contest, contestSlug: contestSlug,
    picture: picture, card: card, underReview: underReview, showError: showError, uuid: uuid, searchBox: searchBox,
    filterChips: filterChips,
    remembered: remembered, phase: (p) => T.phases[p] || p
  };

  document.addEventListener('DOMContentLoaded', () => {
    renderNav();
    keepContest();
  });
}());
