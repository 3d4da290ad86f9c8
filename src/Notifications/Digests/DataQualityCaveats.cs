namespace Skolnarvaro.Notifications.Digests;

/// <summary>What a rektor must know about the data behind the digest, in Swedish.</summary>
public static class DataQualityCaveats
{
    public static IReadOnlyList<string> For(DigestDataQuality dq, DateOnly asOf, double lowReportingRate)
    {
        var caveats = new List<string>();
        if (dq.LastExportDate is null)
        {
            caveats.Add("Ingen närvaroexport har tagits emot från skolan; listan bygger inte på aktuella uppgifter.");
        }
        else if (dq.IsStale)
        {
            caveats.Add($"Senaste närvaroexporten gäller till och med {DigestBuilder.Date(dq.LastExportDate.Value)} " +
                        $"({dq.SchoolDaysSinceLastExport} skoldagar före {DigestBuilder.Date(asOf)}). Frånvaro efter det datumet syns inte här.");
        }

        if (dq.ReportingRate is { } rate && rate < lowReportingRate)
        {
            caveats.Add($"Närvaron är registrerad för {DigestBuilder.Percent(rate)} av den schemalagda tiden de senaste skoldagarna. " +
                        "Oregistrerade lektioner räknas inte som frånvaro, så frånvaron kan vara större än vad som visas.");
        }

        if (dq.RejectedFilesLast30Days > 0)
        {
            caveats.Add(dq.RejectedFilesLast30Days == 1
                ? "En exportfil från skolan har avvisats de senaste 30 dagarna på grund av fel i filen."
                : $"{dq.RejectedFilesLast30Days} exportfiler från skolan har avvisats de senaste 30 dagarna på grund av fel i filerna.");
        }

        if (dq.KeptPupilDaysLast30Days > 0)
        {
            caveats.Add($"{dq.KeptPupilDaysLast30Days} elevdag(ar) hade felaktiga rader i skolans export de senaste 30 dagarna; " +
                        "för dem visas de tidigare inlästa uppgifterna tills en rättad export kommer.");
        }

        return caveats;
    }
}
