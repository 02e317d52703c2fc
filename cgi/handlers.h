/*
 * handlers.h: every request handler, one file per area (h_*.c).  A
 * handler gets a loaded, routed request whose route flags the router has
 * already enforced, answers through resp.h and returns the HTTP status.
 */
#ifndef NETDEP_HANDLERS_H
#define NETDEP_HANDLERS_H

#include "req.h"

/* Grouped by area like the route table; one h_<area>.c file each. */

/* process and accounts (h_account.c) */
int h_health(struct req *);
int h_metrics(struct req *);

int h_account_create(struct req *);
int h_session_create(struct req *);
int h_challenge(struct req *);
int h_session_get(struct req *);
int h_session_delete(struct req *);

/* contests (h_contest.c) */
int h_contest_list(struct req *);
int h_contest_get(struct req *);

/* entries and media (h_entry.c) */
int h_entry_upload(struct req *);
int h_entry_list(struct req *);
int h_entry_get(struct req *);
int h_entry_media(struct req *);
int h_entry_original(struct req *);
int h_me_entries(struct req *);
int h_me_update(struct req *); /* h_account.c: the profile's unit */
/* h_consent.c: consent, minors, data rights (issue 16) */
int h_consent_texts(struct req *);
int h_me_consent(struct req *);
int h_me_birth_year(struct req *);
int h_me_guardian(struct req *);
int h_me_data(struct req *);
int h_me_erase(struct req *);
/* h_cert.c: certificates (issue 16) */
int h_cert_get(struct req *);
int h_cert_page(struct req *);
int h_me_certificates(struct req *);
int h_cert_settings(struct req *);
int h_cert_zip(struct req *);
int h_entry_edit(struct req *);
int h_entry_withdraw(struct req *);
int h_entry_similar(struct req *);

/* moderation, jury, results, audit, admin (h_moderation.c, ...) */
int h_moderation_queue(struct req *);
int h_moderation_decide(struct req *);
int h_moderation_progress(struct req *);
int h_moderation_history(struct req *);
int h_moderation_reasons(struct req *);
int h_moderation_bulk(struct req *);
/* the judging pages of issue 17 (h_judge.c) */
int h_moderation_revert(struct req *);
int h_moderation_queue_page(struct req *);
int h_jury_entries(struct req *);
int h_scores_put(struct req *);
int h_scores_get(struct req *);
int h_judges_progress(struct req *);
int h_results_get(struct req *);
int h_prizes_put(struct req *);
int h_results_publish(struct req *);
int h_results_csv(struct req *);
int h_entries_csv(struct req *);
int h_votes_csv(struct req *);
/* the voter's state on the voting pages (issue 17), h_voter.c */
int h_voter_state(struct req *);
/* prize tracks and weekly snapshots (issue 16), h_tracks.c */
int h_tracks_get(struct req *);
int h_tracks_rules(struct req *);
int h_tracks_put(struct req *);
int h_snapshots_take(struct req *);
int h_weeks_get(struct req *);
int h_week_csv(struct req *);
int h_fraud_report(struct req *);
int h_votes_void(struct req *);
int h_votes_restore(struct req *);
/* h_ledger.c: review of flagged votes, appeals, the ledger (issue 16) */
int h_fraud_rules_get(struct req *);
int h_fraud_rules_put(struct req *);
int h_review_list(struct req *);
int h_review_confirm(struct req *);
int h_review_void(struct req *);
int h_review_mine(struct req *);
int h_appeal_file(struct req *);
int h_appeals_list(struct req *);
int h_appeal_answer(struct req *);
int h_ledger_digests(struct req *);
int h_admin_contest_create(struct req *);
int h_admin_contest_update(struct req *);
int h_admin_category_add(struct req *);
int h_admin_criteria_put(struct req *);
int h_admin_judge_grant(struct req *);
int h_admin_judge_revoke(struct req *);
int h_admin_state(struct req *);
int h_admin_audit(struct req *);
int h_admin_audit_csv(struct req *);

/* votes and leaderboards (h_vote.c, h_leaderboard.c) */
int h_vote_cast(struct req *);
int h_leaderboard(struct req *);
int h_leaderboard_units(struct req *);

/* h_unit.c: the unit tree (issue 15) */
int h_units_search(struct req *);
int h_unit_get(struct req *);
int h_admin_units_import(struct req *);
int h_admin_units_csv(struct req *);
int h_admin_units_unmapped(struct req *);
int h_admin_units_map(struct req *);

/* server-rendered pages (h_page.c) */
int h_page_entry(struct req *);

#endif
