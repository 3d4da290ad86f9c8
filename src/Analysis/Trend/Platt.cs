namespace Skolnarvaro.Analysis.Trend;

/// <summary>A fitted Platt calibration: p = σ(A·logit(raw) + B). <see cref="None"/> leaves a probability as it is.</summary>
public readonly record struct PlattCalibration(double A, double B)
{
    public static readonly PlattCalibration None = new(1, 0);
}

/// <summary>
/// Platt scaling: a logistic regression of the label on the logit of a score, fitted on data the model did not learn
/// from, so that a probability of 0.4 means that about 40 % of such pupils have the label (Platt 1999, with his
/// smoothed targets against over-confidence on few positives).
/// </summary>
public static class Platt
{
    public static double Apply(PlattCalibration c, double raw) => 1 / (1 + Math.Exp(-(c.A * Logit(raw) + c.B)));

    public static PlattCalibration Fit(IReadOnlyList<float> raw, IReadOnlyList<bool> labels)
    {
        double positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return PlattCalibration.None;
        }

        double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
        var x = raw.Select(r => Logit(r)).ToArray();
        var t = labels.Select(l => l ? hi : lo).ToArray();
        double a = 1, b = 0;
        // Newton's method on the log loss; a handful of steps converge on a well-posed problem.
        for (var iteration = 0; iteration < 50; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9;
            for (var i = 0; i < x.Length; i++)
            {
                var p = 1 / (1 + Math.Exp(-(a * x[i] + b)));
                var d = p - t[i];
                var w = p * (1 - p);
                ga += d * x[i];
                gb += d;
                haa += w * x[i] * x[i];
                hab += w * x[i];
                hbb += w;
            }

            var det = haa * hbb - hab * hab;
            if (Math.Abs(det) < 1e-12)
            {
                break;
            }

            double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.Abs(da) + Math.Abs(db) < 1e-9)
            {
                break;
            }
        }

        return new PlattCalibration(a, b);
    }

    private static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }
}
