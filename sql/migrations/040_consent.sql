-- 040_consent.sql: consent, minors and data rights (issue 16).
--
-- consent_texts: the texts a person agrees to, versioned per kind; a text
-- is never changed once stored (a new wording is a new version), so an
-- acceptance names exactly what was shown.  Kinds: 'rules' (the contest
-- rules and terms), 'publication' (publishing the photo and the author's
-- name), 'guardian' (a parent's or guardian's consent for a participant
-- under 16, Decree 13/2023/ND-CP art. 20).
--
-- consents: one row per acceptance: who, which text, when, from where;
-- entry_id for the consents given with an upload.  A guardian's row also
-- carries the guardian's name and contact (phone or e-mail).
--
-- accounts.birth_year: stated at registration (or on the profile); NULL
-- for accounts made by an organiser (netdep-admin).  accounts.erased_at:
-- the account was erased on its owner's request: personal data gone, the
-- row kept so its votes still count (votes.voter_id points at it).

SET search_path = netdep, pg_catalog;

CREATE TABLE consent_texts (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind       text NOT NULL CHECK (kind IN ('rules', 'publication',
	                                         'guardian')),
	version    integer NOT NULL CHECK (version > 0),
	body       text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 20000),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (kind, version)
);

CREATE TABLE consents (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id       bigint NOT NULL REFERENCES accounts (id),
	text_id          bigint NOT NULL REFERENCES consent_texts (id),
	entry_id         bigint REFERENCES entries (id),
	accepted_at      timestamptz NOT NULL DEFAULT now(),
	ip               inet,
	guardian_name    text CHECK (char_length(guardian_name) BETWEEN 1 AND 120),
	guardian_contact text CHECK (char_length(guardian_contact) BETWEEN 3 AND 254)
);
CREATE INDEX consents_account_idx ON consents (account_id, accepted_at);
CREATE INDEX consents_entry_idx ON consents (entry_id) WHERE entry_id IS NOT NULL;

ALTER TABLE accounts ADD COLUMN birth_year integer
	CHECK (birth_year BETWEEN 1900 AND 2100);
ALTER TABLE accounts ADD COLUMN erased_at timestamptz;

-- The first versions.  A new wording: INSERT a row with version + 1.
INSERT INTO consent_texts (kind, version, body) VALUES
('rules', 1,
 'Tôi đã đọc và đồng ý với thể lệ cuộc thi và điều khoản sử dụng của trang; '
 'tôi là tác giả của ảnh tôi gửi và chịu trách nhiệm về nội dung ảnh.'),
('publication', 1,
 'Tôi đồng ý để ban tổ chức công bố ảnh dự thi của tôi cùng họ tên và đơn vị '
 'của tôi trên trang này, trên trang của ban tổ chức và trong giấy chứng nhận, '
 'theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.'),
('guardian', 1,
 'Tôi là cha, mẹ hoặc người giám hộ của người tham gia dưới 16 tuổi; tôi đồng ý '
 'để người đó tham gia cuộc thi và để ban tổ chức xử lý, công bố ảnh dự thi, '
 'họ tên và đơn vị của người đó theo Nghị định 13/2023/NĐ-CP.');

GRANT SELECT ON consent_texts TO netdep_app;
GRANT SELECT, INSERT, UPDATE ON consents TO netdep_app;
