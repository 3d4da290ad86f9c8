namespace Skolnarvaro.Analysis.Reporting;

public enum MeasureUnit { Count, Percent }
