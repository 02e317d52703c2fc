-- 170_judge.sql: the judging pages of issue 17.  One function: a
-- moderation decision taken back (the page's undo and its list of recent

SET search_path = netdep, pg_catalog;
-- decisions), audited like the decision itself.

-- POST /entries/{id}/moderation/revert: an approved or rejected entry goes
-- back to pending, as if it had never been decided.  Only a judge of its
-- contest (an admin judges every contest) who may decide it may revert it;
-- not once the results are published, not when its author has since used
-- every place the contest allows (a rejected entry gave its place back).
-- The audit row 'entry.revert' keeps the decision that was taken back.
CREATE FUNCTION entry_decision_revert(p_entry bigint, p_actor bigint,
                                      p_name text, p_ip text,
                                      OUT outcome text, OUT detail text,
                                      OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	e      entries%ROWTYPE;
	c      contests%ROWTYPE;
	free   integer;
BEGIN
	SELECT * INTO e FROM entries WHERE id = p_entry FOR UPDATE;
	IF NOT FOUND THEN
		outcome := 'no_entry'; RETURN;
	END IF;
	SELECT * INTO c FROM contests WHERE id = e.contest_id;
	IF p_actor IS NULL OR NOT is_judge_of(p_actor, c.id) THEN
		outcome := 'forbidden'; RETURN;
	END IF;
	IF e.account_id = p_actor THEN
		outcome := 'own_entry'; RETURN;
	END IF;
	IF jury_conflict(p_actor, e.id) THEN
		outcome := 'conflict_of_interest'; RETURN;
	END IF;
	IF e.status NOT IN ('approved', 'rejected') THEN
		outcome := 'not_decided'; detail := e.status; RETURN;
	END IF;
	IF results_published(c) THEN
		outcome := 'results_published'; RETURN;
	END IF;
	IF e.slot IS NULL THEN
		SELECT s INTO free FROM generate_series(1, c.max_entries) s
		 WHERE NOT EXISTS (SELECT 1 FROM entries x
		                    WHERE x.contest_id = e.contest_id
		                      AND x.account_id = e.account_id
		                      AND x.slot = s)
		 ORDER BY s LIMIT 1;
		IF free IS NULL THEN
			outcome := 'revert_no_place'; RETURN;
		END IF;
	ELSE
		free := e.slot;
	END IF;
	UPDATE entries SET status = 'pending', reject_reason = NULL, slot = free,
	       decided_at = NULL, decided_by = NULL, updated_at = now()
	 WHERE id = e.id;
	PERFORM audit(p_actor, p_name, p_ip, 'entry.revert', 'entry', e.id, c.id,
	              jsonb_build_object('status', e.status, 'reject_reason',
	                                 e.reject_reason, 'decided_by', e.decided_by,
	                                 'decided_at', e.decided_at),
	              jsonb_build_object('status', 'pending'));
	outcome := 'ok';
	body := jsonb_build_object('entry', jsonb_build_object(
		'id', e.id, 'status', 'pending', 'was', e.status));
END
$$;
