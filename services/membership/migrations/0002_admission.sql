-- The admission pipeline: candidates (admission sources) and their introducers, the regulation
-- table and the holiday calendar kept as data, commune targets, cell plans and yearly ratings.
-- Same portable conventions as 0001: dates 'YYYY-MM-DD' text, times microseconds, flags 0/1,
-- collation keys as byte strings, ids from id_sequences.

insert into id_sequences (name, last_value) values ('candidates', 0);

-- Admission sources. sort_key orders listings like a roster (given, middle, family name in
-- Vietnamese collation); search_name is the folded full name for diacritic-free search. A vote is
-- stored as four nullable counts: all null while it has not been taken.
create table candidates (
    id                          bigint  not null constraint candidates_pk primary key,
    commune_code                text    not null,
    cell_id                     text    not null,
    full_name                   text    not null,
    family_name                 text    not null,
    middle_name                 text    not null,
    given_name                  text    not null,
    sort_key                    bytea   not null,
    search_name                 text    not null,
    gender                      text    not null,
    birth_date                  text    not null,
    ethnicity_code              text    not null,
    general_education           text    not null,
    occupation                  text    not null,
    citizen_id                  text    not null,
    youth_union                 bigint  not null,
    source                      text    not null,
    certificate_issuer          text,
    certificate_date            text,
    background_check            text    not null,
    papers_date                 text    not null,
    has_military_referral       bigint  not null,
    lives_away                  bigint  not null,
    cell_vote_eligible          bigint,
    cell_vote_present           bigint,
    cell_vote_yes               bigint,
    cell_vote_no                bigint,
    cell_vote_date              text    not null,
    committee_vote_eligible     bigint,
    committee_vote_present      bigint,
    committee_vote_yes          bigint,
    committee_vote_no           bigint,
    committee_vote_date         text    not null,
    decision_extended           bigint  not null,
    stage                       text    not null,
    stage_date                  text    not null,
    admitted_member_id          bigint  constraint candidates_member_fk references members (id),
    closing_reason              text    not null,
    version                     bigint  not null,
    create_time_us              bigint  not null,
    update_time_us              bigint  not null,
    constraint candidates_cell_fk foreign key (commune_code, cell_id) references cells (commune_code, cell_id)
);
create index candidates_roster_idx on candidates (commune_code, sort_key, id);
create index candidates_cell_idx on candidates (commune_code, cell_id, stage);
-- One admission per candidate: a second AdmitCandidate cannot create a second member.
create unique index candidates_admitted_member_uq on candidates (admitted_member_id);

-- The introducers of each candidate, in the order given: a member, or the Youth Union committee
-- (member_id null).
create table candidate_introducers (
    candidate_id            bigint  not null constraint candidate_introducers_candidate_fk references candidates (id),
    position                bigint  not null,
    member_id               bigint  constraint candidate_introducers_member_fk references members (id),
    youth_union_committee   bigint  not null,
    months_worked_together  bigint  not null,
    constraint candidate_introducers_pk primary key (candidate_id, position)
);
create index candidate_introducers_member_idx on candidate_introducers (member_id);

-- Regulation versions keyed by their first day in force; every number the rules use.
create table rule_versions (
    in_force_from                   text    not null constraint rule_versions_pk primary key,
    code                            text    not null,
    min_age_months                  bigint  not null,
    max_age_months                  bigint  not null,
    min_education                   text    not null,
    min_education_flagged_area      text    not null,
    certificate_valid_months        bigint  not null,
    introducers_required            bigint  not null,
    introducer_min_months           bigint  not null,
    vote_numerator                  bigint  not null,
    vote_denominator                bigint  not null,
    papers_valid_months             bigint  not null,
    probation_months                bigint  not null,
    decision_working_days           bigint  not null,
    decision_extension_working_days bigint  not null,
    ceremony_working_days           bigint  not null,
    recognition_working_days        bigint  not null,
    min_temporary_transfer_months   bigint  not null,
    max_temporary_transfer_months   bigint  not null,
    max_study_transfer_months       bigint  not null,
    version                         bigint  not null,
    create_time_us                  bigint  not null,
    update_time_us                  bigint  not null
);

-- Public holidays: the days Monday to Friday that are not working days.
create table holidays (
    holiday_date    text    not null constraint holidays_pk primary key,
    display_name    text    not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null
);

-- A commune's targets per congress term, keyed by the term's first year.
create table targets (
    commune_code        text    not null constraint targets_commune_fk references communes (code),
    first_year          bigint  not null,
    last_year           bigint  not null,
    admissions_per_year bigint  not null,
    good_cells_percent  bigint  not null,
    version             bigint  not null,
    create_time_us      bigint  not null,
    update_time_us      bigint  not null,
    constraint targets_pk primary key (commune_code, first_year)
);

-- A cell's plan for a year.
create table cell_plans (
    commune_code        text    not null,
    cell_id             text    not null,
    plan_year           bigint  not null,
    sources_to_develop  bigint  not null,
    admissions          bigint  not null,
    notes               text    not null,
    version             bigint  not null,
    create_time_us      bigint  not null,
    update_time_us      bigint  not null,
    constraint cell_plans_pk primary key (commune_code, cell_id, plan_year),
    constraint cell_plans_cell_fk foreign key (commune_code, cell_id) references cells (commune_code, cell_id)
);
create index cell_plans_year_idx on cell_plans (commune_code, plan_year);

-- A cell's rating for a year.
create table cell_ratings (
    commune_code    text    not null,
    cell_id         text    not null,
    rating_year     bigint  not null,
    level           text    not null,
    version         bigint  not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null,
    constraint cell_ratings_pk primary key (commune_code, cell_id, rating_year),
    constraint cell_ratings_cell_fk foreign key (commune_code, cell_id) references cells (commune_code, cell_id)
);
create index cell_ratings_year_idx on cell_ratings (commune_code, rating_year);

-- A member's rating for a year.
create table member_ratings (
    member_id       bigint  not null constraint member_ratings_member_fk references members (id),
    rating_year     bigint  not null,
    level           text    not null,
    version         bigint  not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null,
    constraint member_ratings_pk primary key (member_id, rating_year)
);
