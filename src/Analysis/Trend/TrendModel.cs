using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>The row ML.NET reads: the features of one pupil on one date and, for training, whether they reached hög frånvaro.</summary>
public sealed class TrendRow
{
    public bool Label { get; set; }

    [VectorType(TrendFeatures.Count)]
    public float[] Features { get; set; } = [];
}

/// <summary>
/// A trained trend model: gradient-boosted trees (ML.NET FastTree) whose probabilities are Platt-calibrated on held-out data. Training is
/// seeded and single-threaded, so the same samples and seed give the same model. Scoring runs over a batch of feature
/// vectors at once; <see cref="Explain"/> says which features pushed one pupil's probability up.
/// </summary>
public sealed class TrendModel
{
    private readonly MLContext ml;
    private readonly ITransformer transformer;

    private TrendModel(MLContext ml, ITransformer transformer, float[] baselines, PlattCalibration calibration)
    {
        this.ml = ml;
        this.transformer = transformer;
        Baselines = baselines;
        Calibration = calibration;
    }

    /// <summary>Platt calibration on held-out data, applied on top of the trees' own probability: (1, 0) leaves it as it is.</summary>
    public PlattCalibration Calibration { get; }

    /// <summary>The same trees with a calibration fitted on held-out samples (<see cref="Platt.Fit"/>).</summary>
    public TrendModel WithCalibration(PlattCalibration calibration) => new(ml, transformer, Baselines, calibration);

    /// <summary>Per feature, the median over the training samples: the "ordinary pupil" an explanation compares with.</summary>
    public float[] Baselines { get; }

    public static TrendModel Train(IReadOnlyList<TrendSample> samples, TrendTrainerSettings settings, int seed)
    {
        if (samples.Count == 0 || samples.All(s => s.Label) || samples.All(s => !s.Label))
        {
            throw new TrendTrainingException(
                $"Training needs pupils who reached hög frånvaro and pupils who did not; the training samples have {samples.Count(s => s.Label)} " +
                $"of {samples.Count}. Give a longer period (--from/--to) or check that the facts are imported.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(samples.Select(s => new TrendRow { Label = s.Label, Features = s.Features }));
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = settings.Trees,
            NumberOfLeaves = settings.Leaves,
            MinimumExampleCountPerLeaf = Math.Min(settings.MinimumExamplesPerLeaf, Math.Max(1, samples.Count / 4)),
            LearningRate = settings.LearningRate,
            // One thread: nothing in the result depends on the order in which parallel work finishes.
            NumberOfThreads = 1,
            // The seed draws each tree's features and examples: another seed, another model (and a spread to report).
            FeatureFraction = 0.8,
            BaggingSize = 1,
            BaggingExampleFraction = 0.7,
            Seed = seed,
        });
        var model = trainer.Fit(data);
        return new TrendModel(ml, model, Medians(samples), PlattCalibration.None);
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<TrendRow>()).Schema;
        ml.Model.Save(transformer, schema, stream);
        return WithFixedEntryTimes(stream.ToArray());
    }

    /// <summary>
    /// ML.NET stamps each entry of its zip with the time of saving; with one fixed time the same trees give the same bytes
    /// (and SHA-256), so a model trained again from the same facts and seed can be checked to be the one shipped.
    /// </summary>
    private static byte[] WithFixedEntryTimes(byte[] zip)
    {
        using var input = new System.IO.Compression.ZipArchive(new MemoryStream(zip), System.IO.Compression.ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = archive.CreateEntry(entry.FullName, System.IO.Compression.CompressionLevel.Optimal);
                copy.LastWriteTime = FixedEntryTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    private static readonly DateTimeOffset FixedEntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TrendModel Load(byte[] bytes, float[] baselines, PlattCalibration calibration)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream(bytes);
        return new TrendModel(ml, ml.Model.Load(stream, out _), baselines, calibration);
    }

    /// <summary>The calibrated probability of the label (lasting absence, or reaching hög frånvaro) within the horizon, for each vector.</summary>
    public float[] Score(IReadOnlyList<float[]> vectors)
    {
        var raw = ScoreUncalibrated(vectors);
        if (Calibration != PlattCalibration.None)
        {
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = (float)Platt.Apply(Calibration, raw[i]);
            }
        }

        return raw;
    }

    /// <summary>The trees' own probability (Platt-calibrated on the training samples by ML.NET).</summary>
    public float[] ScoreUncalibrated(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0)
        {
            return [];
        }

        var data = ml.Data.LoadFromEnumerable(vectors.Select(v => new TrendRow { Features = v }));
        return transformer.Transform(data).GetColumn<float>("Probability").ToArray();
    }

    /// <summary>
    /// Each feature's share in this pupil's probability: how much it drops when that one feature is set to the ordinary
    /// pupil's value (the training median), all others kept. Largest first; only features that raised the probability.
    /// Model-agnostic and exact for what the trees actually do with this pupil, at the cost of one batch of predictions.
    /// </summary>
    public IReadOnlyList<(int Feature, float Contribution)> Explain(float[] vector)
    {
        var variants = new List<float[]>(TrendFeatures.Count + 1) { vector };
        for (var i = 0; i < TrendFeatures.Count; i++)
        {
            var v = (float[])vector.Clone();
            v[i] = Baselines[i];
            variants.Add(v);
        }

        var scores = Score(variants);
        return Enumerable.Range(0, TrendFeatures.Count)
            .Select(i => (Feature: i, Contribution: scores[0] - scores[i + 1]))
            .Where(c => c.Contribution > 0)
            .OrderByDescending(c => c.Contribution)
            .ThenBy(c => c.Feature)
            .ToList();
    }

    private static float[] Medians(IReadOnlyList<TrendSample> samples)
    {
        var medians = new float[TrendFeatures.Count];
        var column = new float[samples.Count];
        for (var f = 0; f < TrendFeatures.Count; f++)
        {
            for (var i = 0; i < samples.Count; i++)
            {
                column[i] = samples[i].Features[f];
            }

            Array.Sort(column);
            medians[f] = column[column.Length / 2];
        }

        return medians;
    }
}

public sealed class TrendTrainingException(string message) : Exception(message);
