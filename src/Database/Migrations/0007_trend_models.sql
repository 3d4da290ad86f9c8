-- The trend model registry: every trained model with what it was trained on, its metrics and its bytes. At most one is
-- active; the nightly run scores with it only when it also qualifies (its features match the code, its AUC is enough).
create table trend_model (
    version             bigint generated always as identity primary key,
    created_at          timestamptz not null,
    trained_from        date not null,
    trained_to          date not null,
    held_out_from       date not null,                 -- the validation period: later dates, other pupils
    held_out_to         date not null,
    seed                int not null,
    horizon_weeks       int not null,
    features            text[] not null,               -- names in vector order; a model never scores another layout
    feature_baselines   real[] not null,               -- training medians, for the explanations
    held_out_auc        double precision not null,
    metrics_json        jsonb not null,
    model               bytea not null,                -- the ML.NET model (zip)
    model_sha256        text not null,
    active              boolean not null default false,
    activated_at        timestamptz,
    decision            text not null                  -- why it was or was not activated
);
create unique index trend_model_one_active on trend_model (active) where active;
