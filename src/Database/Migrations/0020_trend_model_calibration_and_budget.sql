-- Issue 16: what a model predicts, its calibration on held-out data, and the Trend cut-off that keeps the rektors' load
-- within Skolnarvaro:Trend:MaxAddedShare (measured on the held-out period), stored with the model.
alter table trend_model
    add column label text not null default 'Crossing',                       -- Lasting or Crossing (models before this one: Crossing)
    add column calibration double precision[] not null default '{1,0}',      -- Platt on held-out data: p = 1 / (1 + exp(-(a·logit(raw) + b)))
    add column trend_cut_off double precision,                                -- lowest calibrated probability that raises a Trend flag
    add column added_share double precision;                                  -- digest entries added by Trend over the rules alone, held out
