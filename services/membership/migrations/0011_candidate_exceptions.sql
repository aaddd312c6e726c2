-- Exceptions to the admission rules recorded for a candidate, each with who decided it, when and
-- the document's reference number (over-60 consent, the village-elder literacy exception, the
-- education exception by the person's village or situation).
create table candidate_exceptions (
    candidate_id        bigint  not null constraint candidate_exceptions_candidate_fk references candidates (id),
    position            bigint  not null,
    kind                text    not null,
    decided_by          text    not null,
    decision_date       text    not null,
    reference_number    text    not null,
    note                text    not null,
    constraint candidate_exceptions_pk primary key (candidate_id, position)
);

-- The cell's unsuccessful votes on a candidate, oldest first: after the rule version's limit the
-- case goes to the committee above.
create table candidate_failed_votes (
    candidate_id    bigint  not null constraint candidate_failed_votes_candidate_fk references candidates (id),
    position        bigint  not null,
    vote_date       text    not null,
    eligible        bigint  not null,
    present         bigint  not null,
    yes             bigint  not null,
    no              bigint  not null,
    constraint candidate_failed_votes_pk primary key (candidate_id, position)
);

-- No Youth Union organisation where the candidate lives or works (the youth-age introducer rule
-- then does not apply).
alter table candidates add column no_youth_union_organisation bigint not null default 0;

-- The rule numbers added to the regulation versions; the stored versions take the reference values.
alter table rule_versions add column min_education_village_elder text not null default 'GENERAL_EDUCATION_LITERATE';
alter table rule_versions add column youth_age_max_months bigint not null default 371;
alter table rule_versions add column failed_cell_votes_limit bigint not null default 3;
