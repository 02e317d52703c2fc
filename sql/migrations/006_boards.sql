-- 006_boards.sql: tell the workers when a public leaderboard may change.
--
-- Each worker keeps the boards it served (cgi/boards.c) and LISTENs on
-- netdep_boards; a notification makes every kept board stale.  What a
-- by=votes or unit board shows comes from:
--   the folded counts   -> fold_state moves exactly when a fold changed a
--                          count (003_votes.sql), so it notifies then and
--                          an idle folder notifies nothing;
--   entries             -> title, caption, status, category, unit, ...;
--   accounts            -> the author's display name;
--   media, categories, contests -> image sizes, names, slugs.
-- NOTIFY is sent at commit and folded per transaction, so a fold costs one
-- notification whatever it moved.  Votes themselves notify nothing: they
-- reach the boards through the fold.

SET search_path = netdep, pg_catalog;
