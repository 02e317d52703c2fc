/*
 * outcome.c: the one table from a database function's outcome to what the
 * user sees.  Rows with an operation answer that operation only (a vote
 * for an entry not approved is forbidden, a score for one is a conflict);
 * rows without serve every operation.  Messages are Vietnamese, in full
 * sentences that tell a person what to do next.
 */
#include "outcome.h"

#include <stddef.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "resp.h"

/* Seconds a client should wait after the database or the disk failed. */
#define FAULT_RETRY_AFTER "5"

static const struct outcome outcomes[] = {
    /* successes */
    {NULL, "ok", 200, NULL, NULL},
    {NULL, "created", 201, NULL, NULL},
    {"vote", "counted", 201, NULL, NULL},
    /* not found */
    {NULL, "no_entry", 404, NULL, "Không tìm thấy ảnh dự thi này."},
    {NULL, "no_contest", 404, NULL, "Không tìm thấy cuộc thi này."},
    {NULL, "no_account", 404, NULL, "Không có tài khoản %s."},
    {NULL, "not_judge", 404, NULL,
     "%s không phải là giám khảo của cuộc thi này."},
    /* votes */
    {"vote", "not_approved", 403, NULL,
     "Ảnh dự thi này chưa được duyệt nên chưa thể bình chọn."},
    {NULL, "voting_closed", 403, NULL, "Cuộc thi hiện không mở bình chọn."},
    {"vote", "own_entry", 403, NULL,
     "Bạn không thể bình chọn cho ảnh dự thi của chính mình."},
    {NULL, "already_voted", 409, NULL,
     "Bạn đã bình chọn cho ảnh dự thi này rồi."},
    {NULL, "already_voted_today", 409, "already_voted",
     "Hôm nay bạn đã bình chọn cho ảnh dự thi này rồi; hãy quay lại "
     "vào ngày mai."},
    {NULL, "budget_spent", 429, NULL,
     "Bạn đã dùng hết lượt bình chọn hôm nay; hãy quay lại vào ngày "
     "mai."},
    {NULL, "key_reused", 422, "idempotency_key_reused",
     "Mã Idempotency-Key này đã được dùng cho một ảnh dự thi khác; "
     "hãy tạo mã mới cho mỗi lượt bình chọn."},
    /* log-in and registration brakes (070_security.sql) */
    {"login", "backoff", 429, "too_many_attempts",
     "Đăng nhập sai quá nhiều lần từ địa chỉ này; hãy chờ một lúc rồi "
     "thử lại, hoặc kiểm tra lại mật khẩu."},
    {NULL, "challenge", 403, "challenge_required",
     "Hãy để trình duyệt xác minh bạn không phải máy (mất vài giây) rồi "
     "gửi lại."},
    {"register", "busy", 429, "busy",
     "Đang có quá nhiều lượt đăng ký; hãy thử lại sau ít phút."},
    {NULL, "hash_busy", 503, "busy",
     "Máy chủ đang bận kiểm tra mật khẩu; hãy thử lại sau một giây."},
    /* faults (issue 14): the database away, the media disk full */
    {NULL, "db_unavailable", 503, "unavailable",
     "Máy chủ tạm thời mất kết nối tới cơ sở dữ liệu nên chưa ghi được "
     "yêu cầu của bạn; hãy thử lại sau vài giây."},
    {NULL, "storage_full", 507, NULL,
     "Máy chủ đã hết chỗ lưu ảnh nên ảnh của bạn chưa được nhận và không "
     "có gì được lưu; hãy thử lại sau ít phút."},
    /* the S3 media storage away (issue 18): nothing was written */
    {NULL, "storage_unavailable", 503, "unavailable",
     "Máy chủ tạm thời không kết nối được tới kho lưu ảnh nên ảnh của bạn "
     "chưa được nhận và không có gì được lưu; hãy thử lại sau vài giây."},
    /* uploads (issue 12, finding 8: the disk cannot be filled) */
    {NULL, "upload_quota", 429, NULL,
     "Hôm nay bạn đã tải lên %s ảnh, mức tối đa cho một tài khoản trong "
     "một ngày (kể cả ảnh đã rút); hãy tải tiếp sau 0 giờ, giờ Việt Nam."},
    {NULL, "media_purged", 410, NULL,
     "Ảnh của ảnh dự thi này đã bị xóa khỏi máy chủ vì ảnh đã bị từ chối "
     "hoặc rút quá %s ngày."},
    /* the unit tree (issue 15) */
    {NULL, "no_unit", 404, NULL,
     "Không có đơn vị mã %s; hãy chọn đơn vị trong danh sách."},
    {NULL, "no_unmapped", 404, NULL,
     "Không còn tài khoản hay ảnh dự thi nào mang tên đơn vị “%s” mà "
     "chưa được xếp vào cây đơn vị."},
    {NULL, "outside_unit", 403, NULL,
     "Cuộc thi này chỉ dành cho đoàn viên thuộc %s; hãy chọn đúng đơn "
     "vị của bạn trong hồ sơ, hoặc liên hệ ban tổ chức."},
    /* an uploaded photo refused by its bytes (image.c, heif.c, decode.c) */
    {"upload", "image_unsupported", 415, "unsupported_image",
     "Tệp này không phải ảnh JPEG, PNG, WebP, HEIC hay AVIF; hãy chọn "
     "một tệp ảnh."},
    {"upload", "image_variant", 415, "unsupported_image",
     "Kiểu ảnh này chưa được hỗ trợ (ví dụ JPEG 12 bit, HEIF nhiều lớp); "
     "hãy xuất lại ảnh thành JPEG."},
    {"upload", "image_animated", 415, "unsupported_image",
     "Không nhận ảnh động hay chuỗi ảnh (WebP, PNG động, HEIC hoặc AVIF "
     "nhiều khung hình); hãy gửi một ảnh tĩnh."},
    {"upload", "image_corrupt", 422, NULL,
     "Phần đầu tệp ảnh bị hỏng hoặc tệp bị cắt cụt; hãy tải lên lại tệp "
     "gốc."},
    {"upload", "image_decode", 422, "image_corrupt",
     "Dữ liệu ảnh bị hỏng hoặc tệp bị cắt cụt; hãy tải lên lại tệp gốc."},
    {"upload", "image_crashed", 422, "image_corrupt",
     "Không giải mã được dữ liệu ảnh; hãy xuất lại ảnh thành JPEG."},
    {"upload", "image_too_large", 413, NULL,
     "Ảnh có quá nhiều điểm ảnh hoặc cạnh quá dài so với quy định của "
     "cuộc thi; hãy thu nhỏ ảnh rồi tải lên lại."},
    {"upload", "image_too_small", 422, NULL,
     "Ảnh quá nhỏ: cạnh ngắn phải có ít nhất %s điểm ảnh."},
    {"upload", "image_too_complex", 422, NULL,
     "Ảnh JPEG có quá nhiều lượt quét; hãy xuất lại ảnh thành JPEG "
     "thường."},
    {"upload", "image_limit", 422, "image_too_complex",
     "Ảnh cần nhiều thời gian hoặc bộ nhớ để xử lý hơn mức cho phép; "
     "hãy xuất lại ảnh thành JPEG thường."},
    /* judging */
    {NULL, "forbidden", 403, NULL,
     "Bạn không phải là giám khảo của cuộc thi có ảnh dự thi này."},
    {NULL, "own_entry", 403, NULL,
     "Bạn không thể chấm ảnh dự thi của chính mình."},
    {NULL, "conflict_of_interest", 403, NULL,
     "Ảnh dự thi này thuộc đơn vị của bạn: một giám khảo khác sẽ chấm "
     "ảnh này."},
    {NULL, "not_approved", 409, NULL,
     "Chỉ ảnh dự thi đã được duyệt mới được chấm hoặc trao giải; ảnh "
     "này đang ở trạng thái %s."},
    /* consent and minors (issue 16) */
    {"moderation", "guardian_consent_missing", 409, NULL,
     "Tác giả có thể chưa đủ 16 tuổi (Nghị định 13/2023/NĐ-CP): ảnh chỉ "
     "được duyệt sau khi cha, mẹ hoặc người giám hộ đồng ý trên trang "
     "“Ảnh của tôi” của tác giả."},
    {NULL, "results_published", 409, NULL,
     "Kết quả đã được công bố: điểm không thể thay đổi nữa."},
    {NULL, "results_not_published", 403, NULL, "Kết quả chưa được công bố."},
    /* a moderation decision taken back (issue 17, 170_judge.sql) */
    {"revert", "not_decided", 409, NULL,
     "Ảnh dự thi này chưa được duyệt hay từ chối (đang ở trạng thái %s) "
     "nên không có quyết định nào để hoàn tác."},
    {"revert", "results_published", 409, NULL,
     "Kết quả đã được công bố: quyết định kiểm duyệt không thể hoàn tác "
     "nữa."},
    {"revert", "revert_no_place", 409, NULL,
     "Tác giả đã dùng hết số ảnh được gửi của cuộc thi nên không thể "
     "đưa ảnh này về hàng chờ duyệt."},
    {NULL, "no_criteria", 409, NULL,
     "Cuộc thi này chưa có tiêu chí chấm điểm."},
    {NULL, "criteria_mismatch", 400, "invalid_field",
     "Hãy chấm đủ và chỉ các tiêu chí của cuộc thi: %s."},
    {NULL, "score_out_of_range", 400, "invalid_field",
     "Điểm %s phải là một số từ 0 đến 10, tối đa một chữ số thập phân."},
    {NULL, "prize_not_approved", 409, "not_approved",
     "Ảnh dự thi %s không phải là ảnh đã được duyệt của cuộc thi này nên "
     "không thể nhận giải."},
    {NULL, "not_most_voted", 409, NULL,
     "Ảnh dự thi %s không phải là ảnh có nhiều lượt bình chọn nhất: giải "
     "bình chọn chỉ theo lượt bình chọn của công chúng."},
    {NULL, "prize_taken", 409, NULL,
     "Mỗi giải nhất, nhì, ba và giải bình chọn chỉ trao cho một ảnh, và "
     "mỗi ảnh nhận nhiều nhất một giải của ban giám khảo."},
    {NULL, "already_published", 409, NULL, "Kết quả đã được công bố lúc %s."},
    /* prize tracks (issue 16, sql/functions/100_tracks.sql) */
    {"tracks", "invalid_tracks", 400, "invalid_field",
     "Cơ cấu giải thưởng chưa hợp lệ, chưa có gì được lưu: %s."},
    {"tracks", "results_published", 409, NULL,
     "Kết quả đã được công bố: cơ cấu giải thưởng không thể thay đổi "
     "nữa."},
    /* administration */
    {NULL, "slug_taken", 409, NULL,
     "Đã có cuộc thi dùng địa chỉ %s; hãy chọn địa chỉ khác."},
    {NULL, "category_exists", 409, NULL, "Thể loại %s đã có rồi."},
    {NULL, "scores_exist", 409, NULL,
     "Giám khảo đã chấm điểm: giờ chỉ có thể đổi trọng số của các tiêu "
     "chí."},
    {NULL, "already_judge", 409, NULL, "%s đã là giám khảo của cuộc thi này."},
    {NULL, "settings_invalid", 400, "invalid_field",
     "Các thiết lập mâu thuẫn nhau (mỗi khoảng thời gian phải kết thúc "
     "sau khi bắt đầu) hoặc nằm ngoài giới hạn cho phép."},
    {NULL, "criteria_duplicate", 400, "invalid_field",
     "Tên các tiêu chí phải khác nhau."},
    /* review of flagged votes and appeals (issue 16) */
    {NULL, "invalid_field", 400, NULL,
     "Giá trị của trường %s không hợp lệ; hãy kiểm tra lại."},
    {NULL, "no_appeal", 404, NULL, "Không tìm thấy khiếu nại này."},
    {"vote", "pow_required", 403, NULL,
     "Cuộc thi này yêu cầu thiết bị của bạn giải một thử thách nhỏ trước "
     "mỗi lượt bình chọn; hãy tải lại trang rồi bình chọn lại."},
    {"vote", "pow_invalid", 400, NULL,
     "Lời giải thử thách không hợp lệ hoặc đã hết hạn; hãy tải lại trang "
     "rồi bình chọn lại."},
    {"vote", "pow_reused", 409, NULL,
     "Lời giải thử thách này đã được dùng; mỗi lượt bình chọn cần một "
     "thử thách mới."},
    {"appeal", "already_answered", 409, NULL,
     "Khiếu nại này đã được trả lời rồi."},
};

const struct outcome *
outcome_find(const char *op, const char *name)
{
	const struct outcome *any = NULL;

	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		const struct outcome *o = &outcomes[i];

		if (strcmp(o->name, name) != 0)
			continue;
		if (o->op == NULL)
			any = o;
		else if (op != NULL && strcmp(o->op, op) == 0)
			return o;
	}
	return any;
}

#define NOUTCOMES (sizeof(outcomes) / sizeof(outcomes[0]))
/* metrics.c counts votes by row (plus two of its own). */
_Static_assert(NOUTCOMES + 2 <= METRICS_OUTCOMES, "raise METRICS_OUTCOMES");

int
outcome_index(const char *op, const char *name)
{
	const struct outcome *o = outcome_find(op, name);

	return o != NULL ? (int)(o - outcomes) : -1;
}

const char *
outcome_name_at(int i)
{
	return i >= 0 && (size_t)i < NOUTCOMES ? outcomes[i].name : NULL;
}

int
outcome_ok(const char *name)
{
	return name != NULL &&
	       (strcmp(name, "ok") == 0 || strcmp(name, "created") == 0 ||
	        strcmp(name, "counted") == 0);
}

int
outcome_status(const char *op, const char *name)
{
	const struct outcome *o = outcome_find(op, name);

	return o != NULL ? o->status : 500;
}

int
resp_outcome(struct req *r, const char *op, const char *name,
             const char *detail)
{
	const struct outcome *o = outcome_find(op, name);
	const char           *pct;

	if (o == NULL || o->message == NULL) {
		log_msg("error", "outcome: %s answered unknown outcome '%s'",
		        op ? op : "a function", name ? name : "(null)");
		return resp_error(r, 500, "internal",
		                  "Máy chủ gặp lỗi; hãy thử lại sau ít phút.");
	}
	/* The table's messages are fixed; the detail fills their one %s. */
	pct = strstr(o->message, "%s");
	if (pct == NULL)
		pct = o->message + strlen(o->message);
	return resp_error(r, o->status, o->code ? o->code : o->name, "%.*s%s%s",
	                  (int)(pct - o->message), o->message,
	                  *pct ? (detail ? detail : "") : "",
	                  *pct ? pct + 2 : "");
}

int
resp_unavailable(struct req *r)
{
	resp_header(r, "Retry-After", FAULT_RETRY_AFTER);
	return resp_outcome(r, NULL, "db_unavailable", NULL);
}

int
resp_storage_full(struct req *r)
{
	resp_header(r, "Retry-After", FAULT_RETRY_AFTER);
	return resp_outcome(r, NULL, "storage_full", NULL);
}
