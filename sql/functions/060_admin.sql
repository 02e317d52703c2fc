-- 060_admin.sql: Contest administration: settings, categories, criteria, judges.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- Contest settings an admin edits (POST /contests, PATCH /contests/{slug}).
-- The one writer of contest settings, for the web admin and netdep-admin
-- alike: p_set holds only the keys to change (JSON null clears a window;
-- times are seconds since the epoch), each validated by the one table of
-- cgi/contest_rules.c.  Audited with before and after.
CREATE FUNCTION contest_save(p_slug text, p_create boolean, p_set jsonb,
                             p_actor bigint, p_name text, p_ip text,
                             OUT outcome text, OUT detail text,
                             OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	c      contests%ROWTYPE;
	before jsonb;
	after  jsonb;
BEGIN
	IF coalesce(p_set ->> 'unit_code', '') <> '' AND NOT EXISTS (
	       SELECT 1 FROM units u
	        WHERE u.code = lower(p_set ->> 'unit_code')) THEN
		outcome := 'no_unit'; detail := p_set ->> 'unit_code'; RETURN;
	END IF;
	IF p_create THEN
		INSERT INTO contests (slug, title) VALUES (p_slug, p_set ->> 'title')
		ON CONFLICT (slug) DO NOTHING RETURNING * INTO c;
		IF NOT FOUND THEN
			outcome := 'slug_taken'; detail := p_slug; RETURN;
		END IF;
		INSERT INTO criteria (contest_id, name, weight, position)
		VALUES (c.id, 'Nội dung', 40, 1), (c.id, 'Thẩm mỹ', 40, 2),
		       (c.id, 'Thông điệp', 20, 3);
	ELSE
		SELECT * INTO c FROM contests WHERE slug = p_slug FOR UPDATE;
		IF NOT FOUND THEN
			outcome := 'no_contest'; detail := p_slug; RETURN;
		END IF;
		before := to_jsonb(c) - 'id' - 'created_at';
	END IF;
	UPDATE contests SET
		title = CASE WHEN p_set ? 'title' THEN p_set ->> 'title' ELSE title END,
		rules = CASE WHEN p_set ? 'rules' THEN coalesce(p_set ->> 'rules', '')
		        ELSE rules END,
		submit_from = CASE WHEN p_set ? 'submit_from'
		        THEN to_timestamp((p_set ->> 'submit_from')::double precision) ELSE submit_from END,
		submit_until = CASE WHEN p_set ? 'submit_until'
		        THEN to_timestamp((p_set ->> 'submit_until')::double precision) ELSE submit_until END,
		vote_from = CASE WHEN p_set ? 'vote_from'
		        THEN to_timestamp((p_set ->> 'vote_from')::double precision) ELSE vote_from END,
		vote_until = CASE WHEN p_set ? 'vote_until'
		        THEN to_timestamp((p_set ->> 'vote_until')::double precision) ELSE vote_until END,
		results_at = CASE WHEN p_set ? 'results_at'
		        THEN to_timestamp((p_set ->> 'results_at')::double precision) ELSE results_at END,
		max_entries = coalesce((p_set ->> 'max_entries')::integer, max_entries),
		votes_per_day = coalesce((p_set ->> 'votes_per_day')::integer,
		        votes_per_day),
		vote_rule = coalesce(p_set ->> 'vote_rule', vote_rule),
		self_vote = coalesce((p_set ->> 'self_vote')::boolean, self_vote),
		public_weight = coalesce((p_set ->> 'public_weight')::integer,
		        public_weight),
		min_short_side = coalesce((p_set ->> 'min_short_side')::integer,
		        min_short_side),
		max_pixels = coalesce((p_set ->> 'max_pixels')::bigint, max_pixels),
		max_side = coalesce((p_set ->> 'max_side')::integer, max_side),
		max_bytes = coalesce((p_set ->> 'max_bytes')::integer, max_bytes),
		coi_unit = coalesce((p_set ->> 'coi_unit')::boolean, coi_unit),
		zscore = coalesce((p_set ->> 'zscore')::boolean, zscore),
		judges_named = coalesce((p_set ->> 'judges_named')::boolean,
		        judges_named),
		-- The organising unit (issue 15): only its subtree takes part
		-- unless open_to_all; an empty code clears it.
		unit_id = CASE WHEN p_set ? 'unit_code'
		        THEN (SELECT u.id FROM units u
		               WHERE u.code = lower(p_set ->> 'unit_code'))
		        ELSE unit_id END,
		open_to_all = coalesce((p_set ->> 'open_to_all')::boolean,
		        open_to_all)
	 WHERE id = c.id RETURNING * INTO c;
	after := to_jsonb(c) - 'id' - 'created_at';
	PERFORM audit(p_actor, p_name, p_ip,
	              CASE WHEN p_create THEN 'contest.create'
	                   ELSE 'contest.update' END,
	              'contest', c.id, c.id, before, after);
	outcome := CASE WHEN p_create THEN 'created' ELSE 'ok' END;
	body := jsonb_build_object('contest', after);
EXCEPTION WHEN check_violation THEN
	-- The settings contradict each other (a window must end after it
	-- starts) or are out of range.
	outcome := 'settings_invalid';
END
$$;

-- POST /contests/{slug}/categories.
CREATE FUNCTION category_add(p_contest bigint, p_cat text, p_actor bigint,
                             p_name text, p_ip text,
                             OUT outcome text, OUT detail text,
                             OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	k categories%ROWTYPE;
BEGIN
	INSERT INTO categories (contest_id, name, position)
	SELECT p_contest, p_cat, coalesce(max(position), 0) + 1
	  FROM categories WHERE contest_id = p_contest
	ON CONFLICT (contest_id, name) DO NOTHING RETURNING * INTO k;
	IF NOT FOUND THEN
		outcome := 'category_exists'; detail := p_cat;
		RETURN;
	END IF;
	PERFORM audit(p_actor, p_name, p_ip, 'category.add', 'category', k.id,
	              p_contest, NULL, jsonb_build_object('name', k.name));
	outcome := 'created';
	body := jsonb_build_object('category', jsonb_build_object('id', k.id,
	                           'name', k.name));
END
$$;

-- PUT /contests/{slug}/criteria: replaces the criteria.  Once a judge has
-- scored, only the weights may change (names must stay the same set), so
-- no score silently loses its criterion.
CREATE FUNCTION criteria_set(p_contest bigint, p_set jsonb, p_actor bigint,
                             p_name text, p_ip text,
                             OUT outcome text, OUT detail text,
                             OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	before jsonb;
	after  jsonb;
	scored boolean;
BEGIN
	PERFORM 1 FROM contests WHERE id = p_contest FOR UPDATE;
	SELECT coalesce(jsonb_agg(jsonb_build_object('name', name, 'weight',
	       weight) ORDER BY position, id), '[]') INTO before
	  FROM criteria WHERE contest_id = p_contest;
	scored := EXISTS (SELECT 1 FROM scores s JOIN criteria k
	                    ON k.id = s.criterion_id
	                   WHERE k.contest_id = p_contest);
	IF (SELECT count(DISTINCT x ->> 'name') <> count(*)
	      FROM jsonb_array_elements(p_set) x) THEN
		outcome := 'criteria_duplicate'; RETURN;
	END IF;
	IF scored AND (SELECT array_agg(x ->> 'name' ORDER BY x ->> 'name')
	                 FROM jsonb_array_elements(p_set) x)
	          IS DISTINCT FROM (SELECT array_agg(name ORDER BY name)
	                              FROM criteria
	                             WHERE contest_id = p_contest) THEN
		-- Judges have scored already: only the weights may change now.
		outcome := 'scores_exist'; RETURN;
	END IF;
	DELETE FROM criteria k WHERE k.contest_id = p_contest
	   AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_set) x
	                    WHERE x ->> 'name' = k.name);
	INSERT INTO criteria AS k (contest_id, name, weight, position)
	SELECT p_contest, x.value ->> 'name', (x.value ->> 'weight')::integer,
	       x.ordinality
	  FROM jsonb_array_elements(p_set) WITH ORDINALITY x
	ON CONFLICT (contest_id, name)
	DO UPDATE SET weight = excluded.weight, position = excluded.position;
	SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name,
	       'weight', weight) ORDER BY position, id), '[]') INTO after
	  FROM criteria WHERE contest_id = p_contest;
	PERFORM audit(p_actor, p_name, p_ip, 'criteria.set', 'contest',
	              p_contest, p_contest, before, after);
	outcome := 'ok'; body := jsonb_build_object('criteria', after);
END
$$;

-- POST /contests/{slug}/judges and DELETE .../judges/{username}.
CREATE FUNCTION judge_role(p_contest bigint, p_username text, p_grant boolean,
                           p_actor bigint, p_name text, p_ip text,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	acc bigint;
	n   bigint;
BEGIN
	SELECT id INTO acc FROM accounts WHERE lower(username) = lower(p_username);
	IF NOT FOUND THEN
		outcome := 'no_account'; detail := p_username; RETURN;
	END IF;
	IF p_grant THEN
		INSERT INTO roles (account_id, role, contest_id)
		VALUES (acc, 'judge', p_contest) ON CONFLICT DO NOTHING;
	ELSE
		DELETE FROM roles WHERE account_id = acc AND role = 'judge'
		   AND contest_id = p_contest;
	END IF;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n = 0 THEN
		outcome := CASE WHEN p_grant THEN 'already_judge'
		                ELSE 'not_judge' END;
		detail := p_username;
		RETURN;
	END IF;
	PERFORM audit(p_actor, p_name, p_ip,
	              CASE WHEN p_grant THEN 'role.grant' ELSE 'role.revoke' END,
	              'account', acc, p_contest,
	              jsonb_build_object('judge', NOT p_grant),
	              jsonb_build_object('judge', p_grant, 'username', p_username));
	outcome := CASE WHEN p_grant THEN 'created' ELSE 'ok' END;
	body := jsonb_build_object('judge', jsonb_build_object('username',
	        p_username, 'granted', p_grant));
END
$$;
