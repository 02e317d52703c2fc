// netdep judging texts (issue 17), for the staff pages (admin.js,
// moderation.js, staff.js): the one table from an audit action code to a
// Vietnamese sentence, and dates as Vietnamese readers write them,
// dd/mm/yyyy hh:mm in Vietnam time (UTC+7 all year), whatever the
// browser's locale.  Pure functions: tests/browser/test_judge_text.py runs
// them in node as well as in the pages.
'use strict';

(function (root) {
  const VN_MS = 7 * 3600 * 1000;

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  // An ISO time (any offset) -> "dd/mm/yyyy hh:mm" in Vietnam time; '' for
  // nothing or a bad time.
  function formatVnDate(iso) {
    if (iso === null || iso === undefined || iso === '') return '';
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const v = new Date(d.getTime() + VN_MS);
    return pad(v.getUTCDate()) + '/' + pad(v.getUTCMonth() + 1) + '/' + v.getUTCFullYear() +
      ' ' + pad(v.getUTCHours()) + ':' + pad(v.getUTCMinutes());
  }

  // "dd/mm/yyyy hh:mm" (Vietnam time; d/m and h may have one digit, the
  // time may be left out for 00:00) -> {iso: "yyyy-mm-ddThh:mm:00+07:00"}
  // or {error: a Vietnamese sentence}.  31/02 and 24:00 are refused.
  function parseVnDate(text) {
    const s = String(text === undefined || text === null ? '' : text).trim();
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(s);
    if (!m) return { error: 'Hãy ghi ngày giờ theo dạng ngày/tháng/năm giờ:phút, ví dụ 31/12/2026 23:59.' };
    const day = Number(m[1]), month = Number(m[2]), year = Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]), minute = m[5] === undefined ? 0 : Number(m[5]);
    if (month < 1 || month > 12) return { error: 'Tháng ' + month + ' không có: tháng từ 1 đến 12.' };
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (year < 2000 || year > 2100) return { error: 'Năm ' + year + ' nằm ngoài khoảng 2000–2100.' };
    if (day < 1 || day > days) return { error: 'Tháng ' + month + '/' + year + ' không có ngày ' + day + ' (chỉ có ' + days + ' ngày).' };
    if (hour > 23) return { error: 'Giờ ' + hour + ' không có: giờ từ 0 đến 23.' };
    if (minute > 59) return { error: 'Phút ' + minute + ' không có: phút từ 0 đến 59.' };
    return { iso: year + '-' + pad(month) + '-' + pad(day) + 'T' + pad(hour) + ':' + pad(minute) + ':00+07:00' };
  }

  // Who does what: the word before the actor's name.
  const JUDGE = 'Giám khảo', ADMIN = 'Quản trị viên', USER = 'Người dùng';
  const VERB = { approved: 'duyệt', rejected: 'loại' };

  function get(o, k) { return o && typeof o === 'object' && o[k] !== undefined && o[k] !== null ? o[k] : null; }

  // action code -> [who, sentence(row, t)] where t is the target ("ảnh #12").
  const AUDIT = {
    'entry.approve': [JUDGE, (r, t) => 'đã duyệt ' + t],
    'entry.reject': [JUDGE, (r, t) => 'đã loại ' + t + (get(r.after, 'reject_reason') ? ': ' + get(r.after, 'reject_reason') : '')],
    'entry.revert': [JUDGE, (r, t) => 'đã hoàn tác quyết định ' + (VERB[get(r.before, 'status')] || 'kiểm duyệt') + ' ' + t + ', ảnh trở lại hàng chờ duyệt'],
    'entry.edit': [USER, (r, t) => 'đã sửa thông tin ' + t],
    'entry.withdraw': [USER, (r, t) => 'đã rút ' + t + ' khỏi cuộc thi'],
    'entry.files_purge': [ADMIN, (r, t) => 'đã xóa các tệp của ' + t],
    'score.put': [JUDGE, (r, t) => 'đã chấm điểm ' + t],
    'prizes.set': [ADMIN, (r, t) => 'đã trao giải cho ' + t],
    'results.publish': [ADMIN, (r, t) => 'đã công bố kết quả của ' + t],
    'votes.void': [JUDGE, (r, t) => 'đã hủy các lượt bình chọn gian lận của ' + t],
    'votes.restore': [JUDGE, (r, t) => 'đã khôi phục các lượt bình chọn đã hủy của ' + t],
    'role.grant': [ADMIN, (r, t) => 'đã cấp quyền ' + roleName(get(r.after, 'role')) + ' cho ' + t],
    'role.revoke': [ADMIN, (r, t) => 'đã thu hồi quyền ' + roleName(get(r.before, 'role')) + ' của ' + t],
    'contest.create': [ADMIN, (r, t) => 'đã tạo ' + t],
    'contest.update': [ADMIN, (r, t) => 'đã sửa thiết lập của ' + t],
    'category.add': [ADMIN, (r, t) => 'đã thêm thể loại' + (get(r.after, 'name') ? ' “' + get(r.after, 'name') + '”' : '') + ' vào ' + t],
    'criteria.set': [ADMIN, (r, t) => 'đã đặt tiêu chí chấm điểm của ' + t],
    'account.create': [ADMIN, (r, t) => 'đã tạo ' + t],
    'account.disable': [ADMIN, (r, t) => 'đã khóa ' + t],
    'account.enable': [ADMIN, (r, t) => 'đã mở khóa ' + t],
    'account.password': [USER, (r, t) => 'đã đổi mật khẩu của ' + t],
    'unit_import': [ADMIN, () => 'đã nhập cây đơn vị từ tệp CSV'],
    'unit_map': [ADMIN, (r, t) => 'đã gắn tên đơn vị tự ghi vào ' + t],
    'account.erase': [USER, (r, t) => 'đã xóa dữ liệu cá nhân của ' + t + ' theo yêu cầu'],
    'account.birth_year': [USER, (r, t) => 'đã khai năm sinh cho ' + t],
    'tracks.set': [ADMIN, (r, t) => 'đã đặt các hạng mục giải của ' + t],
    'fraud.rules': [ADMIN, (r, t) => 'đã đổi quy tắc phát hiện gian lận của ' + t],
    'review.confirm': [JUDGE, (r, t) => 'đã xác nhận các lượt bình chọn đang xác minh của ' + t],
    'review.void': [JUDGE, (r, t) => 'đã hủy các lượt bình chọn đang xác minh của ' + t],
    'appeal.file': [USER, (r, t) => 'đã gửi khiếu nại ' + t],
    'appeal.answer': [ADMIN, (r, t) => 'đã trả lời khiếu nại ' + t],
    'certificates.settings': [ADMIN, (r, t) => 'đã đổi thiết lập giấy chứng nhận của ' + t]
  };

  function roleName(role) {
    if (role === 'judge') return 'giám khảo';
    if (role === 'admin') return 'quản trị';
    return role ? String(role) : '';
  }

  const TARGET = { entry: 'ảnh', contest: 'cuộc thi', account: 'tài khoản', role: 'tài khoản', category: 'thể loại', unit: 'đơn vị', appeal: 'số' };

  function targetText(r) {
    const noun = TARGET[r.target_type] || r.target_type || '';
    const id = r.target_id === null || r.target_id === undefined ? '' : ' #' + r.target_id;
    if (r.target_type === 'contest' || (!id && r.contest)) return 'cuộc thi ' + (r.contest || id.trim());
    return (noun + id).trim();
  }

  // An audit row {actor, action, target_type, target_id, contest, before,
  // after} -> "Giám khảo lan đã loại ảnh #123: Ảnh trùng lặp".
  function auditSentence(r) {
    const row = AUDIT[r.action];
    const actor = r.actor ? String(r.actor) : null;
    const t = targetText(r);
    if (!row) return (actor || 'Hệ thống') + ' đã thực hiện “' + r.action + '” với ' + t;
    return (actor ? row[0] + ' ' + actor : 'Hệ thống') + ' ' + row[1](r, t);
  }

  root.JudgeText = { formatVnDate, parseVnDate, auditSentence, AUDIT_CODES: Object.keys(AUDIT) };
})(typeof window !== 'undefined' ? window : globalThis);
