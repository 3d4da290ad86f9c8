using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Skolnarvaro.Web;

/// <summary>
/// The data-protection key ring (what session and antiforgery cookies are encrypted with) in the pipeline's own database, so
/// every worker behind the proxy reads the cookies any of them wrote, and a restart signs nobody out.
/// </summary>
public sealed class PostgresKeyRing(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("select xml from web_key order by created_at, name");
        using var r = cmd.ExecuteReader();
        var result = new List<XElement>();
        while (r.Read())
        {
            result.Add(XElement.Parse(r.GetString(0)));
        }

        return result;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("insert into web_key (name, xml) values (@name, @xml) on conflict (name) do nothing");
        cmd.Parameters.AddWithValue("name", friendlyName);
        cmd.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
