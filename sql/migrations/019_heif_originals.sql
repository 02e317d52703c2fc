-- HEIC and AVIF uploads (issue 15, part 3): phones' photos are kept as
-- uploaded, so an original may now be image/heic or image/avif.  The
-- derivatives stay JPEG and WebP.  001 named the constraint by default.
ALTER TABLE media DROP CONSTRAINT media_original_type_check;
ALTER TABLE media ADD CONSTRAINT media_original_type_check
	CHECK (original_type IN ('image/jpeg', 'image/png', 'image/webp',
	                         'image/heic', 'image/avif'));
