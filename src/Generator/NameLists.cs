using System.Text;

namespace Skolnarvaro.Generator;

/// <summary>Small, fixed name and subject lists (all representable in Windows-1252).</summary>
internal static class NameLists
{
    public static readonly string[] BoyNames =
    [
        "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Björn", "Oskar", "Lucas",
        "Liam", "William", "Elias", "Noah", "Hugo", "Oliver", "Adam", "Axel", "Leo", "Alexander",
        "Vincent", "Ludvig", "Theo", "Viktor", "Isak", "Filip", "Måns", "Sixten", "Ali", "Mohammed",
        "Omar", "Yusuf", "Ahmed", "Jonas", "Gustav", "Emil", "Melvin", "Sami", "Anton", "Jöns",
    ];

    public static readonly string[] GirlNames =
    [
        "Åsa", "Märta", "Alice", "Maja", "Elsa", "Astrid", "Vera", "Ebba", "Wilma", "Alma",
        "Selma", "Saga", "Olivia", "Ella", "Freja", "Signe", "Agnes", "Stella", "Ines", "Linnéa",
        "Ida", "Klara", "Sara", "Emma", "Hanna", "Fatima", "Amira", "Leila", "Noor", "Yasmin",
        "Sofia", "Ellen", "Tuva", "Majken", "Lova", "Tyra", "Greta", "Siri", "Mira", "Zeynep",
    ];

    /// <summary>Last names, roughly from most to least common (draws are skewed towards the start).</summary>
    public static readonly string[] LastNames =
    [
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
        "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg",
        "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund",
        "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund",
        "Danielsson", "Håkansson", "Öberg", "Östlund", "Åberg", "Sjögren", "Björk", "Nyström",
        "Järvinen", "Nguyen", "Hassan", "Ali", "Mohamed", "Ahmed", "Hussein", "Yilmaz",
        "Kowalski", "Nieminen", "Korhonen", "Abdi", "Ibrahim", "Novak", "Petrovic", "García",
    ];

    public static readonly string[] Subjects =
    [
        "Svenska", "Matematik", "Engelska", "Idrott och hälsa", "Bild", "Musik", "Biologi", "Fysik",
        "Kemi", "Geografi", "Historia", "Religionskunskap", "Samhällskunskap", "Slöjd", "Teknik",
        "Hem- och konsumentkunskap", "Moderna språk",
    ];

    /// <summary>Name stems for generated extra schools (none collides with the six sample schools).</summary>
    public static readonly string[] SchoolStems =
    [
        "Lind", "Gran", "Sjövik", "Ängs", "Hag", "Berg", "Strand", "Ros", "Lärk", "Kvarn",
        "Åker", "Bäck", "Ljung", "Hav", "Ek", "Asp", "Sälg", "Rönn", "Al", "Hassel",
        "Myr", "Ängby", "Västan", "Östan", "Norr", "Söder", "Kulla", "Brunn", "Torp", "Mosse",
    ];

    public static readonly string[] IndependentOwners =
    [
        "Kunskapsträdet Skolor AB", "Norrvik International Education AB", "Lärkans Friskolor AB",
        "Framtidsvägen Utbildning AB", "Stiftelsen Ljusets skola", "Nordiska Skolgruppen AB",
    ];

    /// <summary>Lower-case ASCII fold: å/ä→a, ö→o, é→e, ü→u …; anything else non-alphanumeric becomes <paramref name="separator"/>.</summary>
    public static string AsciiFold(string s, char separator)
    {
        var sb = new StringBuilder(s.Length);
        bool lastSep = true;
        foreach (char ch in s.ToLowerInvariant())
        {
            char c = ch switch
            {
                'å' or 'ä' or 'à' or 'á' or 'â' => 'a',
                'ö' or 'ø' or 'ó' or 'ò' or 'ô' => 'o',
                'é' or 'è' or 'ê' or 'ë' => 'e',
                'ü' or 'ú' or 'ù' => 'u',
                'í' or 'ì' or 'ï' => 'i',
                'ç' => 'c',
                'ñ' => 'n',
                _ => ch,
            };
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                sb.Append(c);
                lastSep = false;
            }
            else if (!lastSep)
            {
                sb.Append(separator);
                lastSep = true;
            }
        }
        while (sb.Length > 0 && sb[^1] == separator)
        {
            sb.Length--;
        }
        return sb.ToString();
    }
}
