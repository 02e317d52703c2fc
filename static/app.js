// netdep home page: shows the current contest, its approved entries and
// its leaderboard, from the public JSON API.  User text is only ever set
// with textContent, never parsed as HTML.
'use strict';

(function () {
  const api = '/api/v1';
  const params = new URLSearchParams(location.search);
  let contestSlug = params.get('contest');
  let category = params.get('category');

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  async function getJSON(path) {
    const r = await fetch(api + path, { headers: { Accept: 'application/json' } });
    if (!r.ok) {
      let msg = 'HTTP ' + r.status;
      try { msg = (await r.json()).error.message || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return r.json();
  }

  function showError(err) {
    const p = $('error');
    p.textContent = 'Không tải được dữ liệu: ' + err.message;
    p.hidden = false;
  }

  function fmtDate(s) {
    if (!s) return null;
    const d = new Date(s);
    return isNaN(d) ? null : d.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
  }

  function picture(media, alt) {
    const pic = document.createElement('picture');
    if (media && media.thumb_webp) {
      const src = document.createElement('source');
      src.type = 'image/webp';
      src.srcset = media.thumb_webp;
      pic.appendChild(src);
    }
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.decoding = 'async';
    img.alt = alt;
    if (media && media.thumb_jpeg) img.src = media.thumb_jpeg;
    pic.appendChild(img);
    return pic;
  }

  function renderContest(c) {
    document.title = c.title + ' – netdep';
    $('contest-title').textContent = c.title;
    const parts = [];
    const until = fmtDate(c.vote_until);
    if (until) parts.push('Bình chọn đến ' + until);
    const sub = fmtDate(c.submit_until);
    if (sub) parts.push('Nhận ảnh đến ' + sub);
    $('contest-meta').textContent = parts.join(' · ');

    const nav = $('categories');
    nav.replaceChildren();
    const cats = [{ id: null, name: 'Tất cả' }].concat(c.categories || []);
    for (const cat of cats) {
      const b = el('button', null, cat.name);
      b.type = 'button';
      b.setAttribute('aria-pressed', String(String(cat.id) === String(category)));
      b.addEventListener('click', () => {
        category = cat.id === null ? null : String(cat.id);
        const q = new URLSearchParams(location.search);
        if (category) q.set('category', category); else q.delete('category');
        history.replaceState(null, '', '?' + q.toString());
        renderContest(c);
        loadEntries().catch(showError);
      });
      nav.appendChild(b);
    }
    if (category === null) nav.firstChild.setAttribute('aria-pressed', 'true');
  }

  function entryCard(e) {
    const li = el('li', 'card');
    const a = el('a');
    a.href = '/e/' + encodeURIComponent(e.id);
    a.appendChild(picture(e.media, e.title));
    const body = el('div', 'body');
    body.appendChild(el('p', 'title', e.title));
    const author = e.author || {};
    const by = [author.display_name, author.unit].filter(Boolean).join(' · ');
    if (by) body.appendChild(el('p', 'by', by));
    body.appendChild(el('p', 'votes', (e.votes || 0) + ' phiếu'));
    a.appendChild(body);
    li.appendChild(a);
    return li;
  }

  async function loadEntries() {
    const q = new URLSearchParams({ sort: 'new', limit: '48' });
    if (category) q.set('category', category);
    const data = await getJSON('/contests/' + encodeURIComponent(contestSlug) + '/entries?' + q);
    const ul = $('gallery');
    ul.replaceChildren(...(data.entries || []).map(entryCard));
    $('gallery-empty').hidden = (data.entries || []).length > 0;
  }

  async function loadBoard() {
    const data = await getJSON('/contests/' + encodeURIComponent(contestSlug) + '/leaderboard?limit=10');
    const ol = $('leaderboard');
    ol.replaceChildren(...(data.entries || []).map((row) => {
      const li = el('li');
      li.appendChild(el('span', 'rank', row.rank));
      const name = el('a', 'name', row.entry ? row.entry.title : '');
      if (row.entry) name.href = '/e/' + encodeURIComponent(row.entry.id);
      li.appendChild(name);
      li.appendChild(el('span', 'count', row.votes + ' phiếu'));
      return li;
    }));
  }

  async function main() {
    if (!contestSlug) {
      const list = await getJSON('/contests');
      const contests = list.contests || [];
      if (contests.length === 0) {
        $('contest-title').textContent = 'Chưa có cuộc thi nào';
        return;
      }
      contestSlug = contests[0].slug;
    }
    const data = await getJSON('/contests/' + encodeURIComponent(contestSlug));
    renderContest(data.contest);
    await Promise.all([loadEntries(), loadBoard()]);
    // The public leaderboard follows new votes.
    setInterval(() => { loadBoard().catch(() => {}); }, 15000);
  }

  document.addEventListener('DOMContentLoaded', () => { main().catch(showError); });
}());
