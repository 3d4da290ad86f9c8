using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>A model in the registry, without its bytes.</summary>
public sealed record TrendModelInfo(
    long Version, DateTimeOffset CreatedAt, DateOnly TrainedFrom, DateOnly TrainedTo, DateOnly HeldOutFrom, DateOnly HeldOutTo,
    int Seed, int HorizonWeeks, IReadOnlyList<string> Features, float[] Baselines, double HeldOutAuc, string MetricsJson,
    string ModelSha256, bool Active, DateTimeOffset? ActivatedAt, string Decision)
{
    /// <summary>What the model predicts (models trained before the lasting-absence label: Crossing).</summary>
    public TrendLabel Label { get; init; } = TrendLabel.Crossing;

    /// <summary>Platt calibration fitted on the held-out samples: (a, b) in p = σ(a·logit(raw) + b).</summary>
    public PlattCalibration Calibration { get; init; } = PlattCalibration.None;

    /// <summary>The lowest calibrated probability that raises a Trend flag, chosen on the held-out period for MaxAddedShare.</summary>
    public double? TrendCutOff { get; init; }

    /// <summary>Digest entries per school-week that Trend flags added over the rules alone on the held-out period, at that cut-off.</summary>
    public double? AddedShare { get; init; }

    /// <summary>Whether the model reads the vector this code computes: same names in the same order.</summary>
    public bool MatchesFeatures => Features.SequenceEqual(TrendFeatures.Names);

    /// <summary>
    /// The record without what differs between two trainings of the same model from the same facts and seed: when it was
    /// made and activated, and how long the training took. The rest, the bytes included, is the same.
    /// </summary>
    public TrendModelInfo Reproducible()
    {
        var metrics = System.Text.Json.Nodes.JsonNode.Parse(MetricsJson)?.AsObject();
        metrics?.Remove("datasetSeconds");
        metrics?.Remove("trainingSeconds");
        return this with
        {
            CreatedAt = new DateTimeOffset(TrainedTo.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            Active = false, ActivatedAt = null, MetricsJson = metrics?.ToJsonString() ?? MetricsJson,
        };
    }
}

/// <summary>What training adds to the registry.</summary>
public sealed record NewTrendModel(
    DateOnly TrainedFrom, DateOnly TrainedTo, DateOnly HeldOutFrom, DateOnly HeldOutTo, int Seed, int HorizonWeeks,
    float[] Baselines, double HeldOutAuc, string MetricsJson, byte[] Model, bool Activate, string Decision)
{
    public TrendLabel Label { get; init; } = TrendLabel.Crossing;
    public PlattCalibration Calibration { get; init; } = PlattCalibration.None;
    public double? TrendCutOff { get; init; }
    public double? AddedShare { get; init; }
}

/// <summary>The trend_model table: versions, metrics, bytes and the one active model.</summary>
public sealed class TrendModelStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string Columns = """
        version, created_at, trained_from, trained_to, held_out_from, held_out_to, seed, horizon_weeks, features, feature_baselines,
        held_out_auc, metrics_json::text, model_sha256, active, activated_at, decision, label, calibration, trend_cut_off, added_share
        """;

    /// <summary>Adds a model; when it is to be activated, the previous active one is deactivated in the same transaction.</summary>
    public async Task<long> AddAsync(NewTrendModel m, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (m.Activate)
        {
            await using var off = new NpgsqlCommand("update trend_model set active = false where active", conn, tx);
            await off.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand("""
            insert into trend_model (created_at, trained_from, trained_to, held_out_from, held_out_to, seed, horizon_weeks, features,
                feature_baselines, held_out_auc, metrics_json, model, model_sha256, active, activated_at, decision,
                label, calibration, trend_cut_off, added_share)
            values (@now, @from, @to, @hfrom, @hto, @seed, @horizon, @features, @baselines, @auc, @metrics, @model, @sha, @active,
                case when @active then @now end, @decision, @label, @calibration, @cutoff, @added)
            returning version
            """, conn, tx);
        var now = time.GetUtcNow();
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("from", m.TrainedFrom);
        cmd.Parameters.AddWithValue("to", m.TrainedTo);
        cmd.Parameters.AddWithValue("hfrom", m.HeldOutFrom);
        cmd.Parameters.AddWithValue("hto", m.HeldOutTo);
        cmd.Parameters.AddWithValue("seed", m.Seed);
        cmd.Parameters.AddWithValue("horizon", m.HorizonWeeks);
        cmd.Parameters.AddWithValue("features", TrendFeatures.Names.ToArray());
        cmd.Parameters.AddWithValue("baselines", m.Baselines);
        cmd.Parameters.AddWithValue("auc", m.HeldOutAuc);
        cmd.Parameters.AddWithValue("metrics", NpgsqlDbType.Jsonb, m.MetricsJson);
        cmd.Parameters.AddWithValue("model", m.Model);
        cmd.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(m.Model)));
        cmd.Parameters.AddWithValue("active", m.Activate);
        cmd.Parameters.AddWithValue("decision", m.Decision);
        cmd.Parameters.AddWithValue("label", m.Label.ToString());
        cmd.Parameters.AddWithValue("calibration", new[] { m.Calibration.A, m.Calibration.B });
        cmd.Parameters.AddWithValue("cutoff", NpgsqlDbType.Double, (object?)m.TrendCutOff ?? DBNull.Value);
        cmd.Parameters.AddWithValue("added", NpgsqlDbType.Double, (object?)m.AddedShare ?? DBNull.Value);
        var version = (long)(await cmd.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return version;
    }

    public async Task<IReadOnlyList<TrendModelInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from trend_model order by version");
        return await ReadAsync(cmd, ct);
    }

    public async Task<TrendModelInfo?> ActiveAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from trend_model where active");
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<TrendModelInfo?> GetAsync(long version, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from trend_model where version = @v");
        cmd.Parameters.AddWithValue("v", version);
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<TrendModel> LoadAsync(TrendModelInfo info, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select model from trend_model where version = @v");
        cmd.Parameters.AddWithValue("v", info.Version);
        var bytes = (byte[])(await cmd.ExecuteScalarAsync(ct))!;
        return TrendModel.Load(bytes, info.Baselines, info.Calibration);
    }

    /// <summary>The model's bytes, to move it to another database (<c>models export</c>).</summary>
    public async Task<byte[]> BytesAsync(long version, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select model from trend_model where version = @v");
        cmd.Parameters.AddWithValue("v", version);
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Adds a model exported from another database, inactive, keeping its training record; returns its new version.</summary>
    public Task<long> ImportAsync(TrendModelInfo info, byte[] model, string source, CancellationToken ct = default)
    {
        if (!info.MatchesFeatures)
        {
            throw new TrendTrainingException(
                $"The model reads features [{string.Join(", ", info.Features)}]; this version computes [{string.Join(", ", TrendFeatures.Names)}]. Retrain instead.");
        }

        if (Convert.ToHexStringLower(SHA256.HashData(model)) != info.ModelSha256)
        {
            throw new TrendTrainingException("The model's bytes do not match its recorded SHA-256: the file is damaged or was edited.");
        }

        return AddAsync(new NewTrendModel(info.TrainedFrom, info.TrainedTo, info.HeldOutFrom, info.HeldOutTo, info.Seed, info.HorizonWeeks,
            info.Baselines, info.HeldOutAuc, info.MetricsJson, model, false, $"Imported from {source} (v{info.Version} there), not active.")
        {
            Label = info.Label, Calibration = info.Calibration, TrendCutOff = info.TrendCutOff, AddedShare = info.AddedShare,
        }, ct);
    }

    /// <summary>Makes a model the active one by hand (an analyst's decision, e.g. a rollback); false when there is no such version.</summary>
    public async Task<bool> ActivateAsync(long version, string decision, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from trend_model where version = @v for update", conn, tx);
        exists.Parameters.AddWithValue("v", version);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            return false;
        }

        await using var cmd = new NpgsqlCommand("""
            update trend_model set active = false where active and version <> @v;
            update trend_model set active = true, activated_at = @now, decision = decision || ' ' || @decision where version = @v and not active;
            """, conn, tx);
        cmd.Parameters.AddWithValue("v", version);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("decision", decision);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task<IReadOnlyList<TrendModelInfo>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<TrendModelInfo>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new TrendModelInfo(
                r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3),
                r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5), r.GetInt32(6), r.GetInt32(7),
                r.GetFieldValue<string[]>(8), r.GetFieldValue<float[]>(9), r.GetDouble(10), r.GetString(11), r.GetString(12),
                r.GetBoolean(13), r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14), r.GetString(15))
            {
                Label = Enum.Parse<TrendLabel>(r.GetString(16)),
                Calibration = r.GetFieldValue<double[]>(17) is [var a, var b] ? new PlattCalibration(a, b) : PlattCalibration.None,
                TrendCutOff = r.IsDBNull(18) ? null : r.GetDouble(18),
                AddedShare = r.IsDBNull(19) ? null : r.GetDouble(19),
            });
        }

        return list;
    }
}
