"""General English word lists the document pass relies on: titles, pronouns, places, demonyms."""

from __future__ import annotations

from functools import cache


def _wordset(words: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(w.strip() for w in words.split(sep) if w.strip())


# Every OntoNotes label the model gives, the ones that name something first.
LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip
# Labels that name something (as opposed to dates, times and quantities).
NAME_LABELS = frozenset(LABELS[: LABELS.index("DATE")])

DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our"}
)
# What dates and amounts lose: "the past year" -> "past year", "their seventies" -> "seventies",
# while "a month" and "this week" stay whole.
POSSESSIVE_DETERMINERS = frozenset({"the", "his", "her", "its", "their", "our", "my", "your"})

PRONOUNS = _wordset(
    """i me my mine myself you your yours yourself yourselves he him his himself she her hers
    herself it its itself we us our ours ourselves they them their theirs themselves who whom
    whose which what this that these those one someone somebody anyone everyone nobody
    """
)

# Words that may stand before a person's name without being part of it. Compared in lower case
# with a trailing period removed.
TITLES = _wordset(
    """president vice prime minister ministers secretary deputy foreign defence defense interior
    finance justice chief spokesperson spokesman spokeswoman chancellor king queen prince
    princess pope senator sen rep representative congressman congresswoman congressmember gov
    governor mayor general gen col colonel lt lieutenant sgt sergeant maj major capt captain adm
    admiral commander dr mr mrs ms miss mx prof professor judge justice ambassador envoy special
    commissioner director chairman chairwoman chair chairperson ceo cfo coo founder leader
    sheikh archbishop bishop rev reverend father sister brother sir dame lord lady officer
    negotiator adviser advisor aide official head attorney lawyer coach manager striker
    midfielder defender goalkeeper player star actor actress singer author writer editor
    reporter correspondent analyst economist researcher scientist president-elect former late
    acting interim incumbent opposition then top senior junior assistant associate executive
    minority majority speaker whip premier emir ayatollah prosecutor detective inspector
    superintendent constable sheriff commissioner"""
)

# Titles that only ever stand before a person's name.
PERSONAL_TITLES = _wordset(
    """mr mrs ms mx dr spokesperson spokesman spokeswoman president senator sen rep gov governor
    mayor minister chancellor pope judge ambassador envoy secretary"""
)

# Words that make a capitalised phrase an organisation or a place rather than a person.
ORG_WORDS = _wordset(
    """University College School Institute Party Ministry Council Committee Commission Agency
    Department Office Bank Fund Company Group Corporation Association Union Court Parliament
    Senate Assembly Hospital Church Foundation Center Centre Service Services Forces Army Navy
    Board Authority Museum House Palace Street Square City Ministry Organization Organisation
    Airlines Airways Times Post News Press Media Energy Motors Holdings Capital Partners Republic
    Kingdom Federation Islands States Emirates Coast Guard Police Force Front Movement League Cup
    Games Open Championship Prize Award Festival Summit Conference Initiative Project Program
    Programme Act Bill Treaty Accord Agreement Stadium Airport Station Bridge River Lake Mountain
    Valley Park Avenue Road"""
)

# Last words that make a name an organisation: "City of London Police", "Supreme Court".
ORG_HEADS = _wordset(
    """Police Ministry Council University Bank Party Committee Commission Agency Department
    Office Fund Company Group Corporation Association Union Court Parliament Senate Assembly
    Church Foundation Institute College School Board Authority Airlines Airways Times Post
    Holdings Partners Service Services Forces Army Navy Guard Scheme Inc Ltd Plc Corp
    Organization Organisation Cooperation Alliance Federation League Coalition LLC LLP PLC
    Limited Incorporated N.V NV AG GmbH SpA"""
)

# Last words that make a name a building, a street or a structure: "Gatwick Airport".
FAC_HEADS = _wordset(
    """Airport Bridge Courthouse Stadium Avenue Street Boulevard Road Square Tower Arena Stand
    Highway Freeway Expressway Tunnel Dam Pier"""
)
# ... and those that do it only for a name the model took for a place or a person ("Grant Park";
# an organisation may well be a "Research Center").
FAC_HEADS_FOR_PLACES = FAC_HEADS | _wordset("Park Garden Gardens Center Centre Hall Plaza Palace")

# Last words of football clubs' names, which the model reads as places or people ("Stoke City").
CLUB_HEADS = _wordset(
    "City Town United Rovers Athletic Hotspur Wanderers Albion Villa Palace Rangers Argyle FC AFC"
)

# Last words of lakes, rivers and other natural features ("Lesser Slave Lake").
NATURAL_FEATURES = _wordset(
    "Lake River Mountains Mountain Bay Sea Ocean Valley Desert Glacier Gulf Strait Peninsula"
)

# A word that turns an ordinal into a position in a match or a trial: "the 94th minute".
ORDINAL_NOUNS = _wordset("minute day round inning innings lap leg hole game set stage")

# Common words that are never names on their own, even when capitalised at a sentence start.
COMMON_WORDS = _wordset(
    """a about after all also an and any as at be because before but by can could did do does
    for from had has have here how if in into is it just many more most much no not now of on
    one or other our over said says should so some such than that the their then there these
    they this those through to under until up very was we were what when where which while who
    why will with would yes yet"""
)

CALENDAR_WORDS = _wordset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday"""
)

# Units of time a relative date is made of; a TIME span without a clock word is a date.
CLOCK_WORDS = _wordset(
    """morning afternoon evening night tonight noon midday midnight dawn dusk overnight hour
    hours minute minutes second seconds a.m. p.m. am pm o'clock gmt utc bst est edt pst pdt cet
    cest"""
)

CURRENCY_SYMBOLS = "$€£¥₹₽₩₺₴"

# Suffixes a place name takes in running text without them being part of the name.
PLACE_SUFFIXES = ("-based", "-born", "-led", "-backed", "-made", "-style", "-bound")

# Social networks and messaging services, which people "post on".
PLATFORMS = _wordset(
    """X|Twitter|Facebook|Instagram|Telegram|TikTok|YouTube|WhatsApp|Weibo|WeChat|Bluesky|Threads|
    LinkedIn|Reddit|Snapchat|Truth Social|Signal|Substack|Mastodon|Discord|Twitch|VKontakte""",
    "|",
)

# Generic technical acronyms: names of kinds of thing, not of one thing ("an API", "IoT devices").
GENERIC_ACRONYMS = frozenset(
    [
        "API",
        "AI",
        "IoT",
        "OT",
        "VOD",
        "SDK",
        "CLI",
        "GUI",
        "UI",
        "UX",
        "URL",
        "URI",
        "HTTP",
        "HTTPS",
        "HTML",
        "CSS",
        "JSON",
        "XML",
        "YAML",
        "SQL",
        "CPU",
        "GPU",
        "RAM",
        "SSD",
        "HDD",
        "USB",
        "PDF",
        "FAQ",
        "VPN",
        "DNS",
        "TCP",
        "UDP",
        "LLM",
        "ML",
        "OS",
        "IT",
        "PC",
        "TV",
        "HD",
        "LED",
        "LCD",
        "OLED",
        "GPS",
        "NFC",
        "SaaS",
        "ER",
        "DWR",
        "WHQL",
        "IP",
        "ISP",
        "SMS",
        "MFA",
        "SSO",
        "CRM",
        "ERP",
    ]
)

# Software, apps, devices and programming languages that are nothing else: a model trained on
# news reads them as people or organisations. Names that are also words, people or places (Go,
# Rust, Swift, Ruby, Java, Julia, Windows, Safari, Zoom) are left to the context rules.
PRODUCTS = _wordset(
    """Python|JavaScript|TypeScript|Kotlin|PHP|Perl|Haskell|Erlang|Elixir|Scala|Fortran|COBOL|
    Clojure|OCaml|Lua|Zig|WebAssembly|Emscripten|Node.js|Deno|React|Django|Flask|
    TensorFlow|PyTorch|NumPy|Jupyter|Linux|Ubuntu|Debian|Fedora|FreeBSD|macOS|iOS|iPadOS|
    watchOS|Android|ChromeOS|Git|GitHub Actions|Docker|Kubernetes|PostgreSQL|MySQL|SQLite|Redis|
    MongoDB|Elasticsearch|Nginx|Firefox|Google Chrome|Chromium|Thunderbird|Slack|Photoshop|
    Microsoft Excel|PowerPoint|Visual Studio Code|VS Code|Vim|Neovim|Emacs|Xcode|Jira|
    ChatGPT|iPhone|iPad|iPod|MacBook|MacBook Pro|MacBook Air|iMac|AirPods|
    Apple Watch|Kindle|PlayStation|PlayStation 5|Xbox|Nintendo Switch|Raspberry Pi|Arduino|
    Bitcoin|Ethereum|App Store|Google Play|Gmail""",
    "|",
)

# Country | capital | demonym(s). Used to settle place/group labels the model hesitates on.
_COUNTRIES = """
Afghanistan|Kabul|Afghan
Albania|Tirana|Albanian
Algeria|Algiers|Algerian
Andorra|Andorra la Vella|Andorran
Angola|Luanda|Angolan
Argentina|Buenos Aires|Argentine,Argentinian
Armenia|Yerevan|Armenian
Australia|Canberra|Australian
Austria|Vienna|Austrian
Azerbaijan|Baku|Azerbaijani,Azeri
Bahamas|Nassau|Bahamian
Bahrain|Manama|Bahraini
Bangladesh|Dhaka|Bangladeshi
Barbados|Bridgetown|Barbadian
Belarus|Minsk|Belarusian
Belgium|Brussels|Belgian
Belize|Belmopan|Belizean
Benin|Porto-Novo|Beninese
Bhutan|Thimphu|Bhutanese
Bolivia|La Paz|Bolivian
Bosnia|Sarajevo|Bosnian
Botswana|Gaborone|Botswanan
Brazil|Brasilia|Brazilian
Brunei|Bandar Seri Begawan|Bruneian
Bulgaria|Sofia|Bulgarian
Burkina Faso|Ouagadougou|Burkinabe
Burundi|Gitega|Burundian
Cambodia|Phnom Penh|Cambodian
Cameroon|Yaounde|Cameroonian
Canada|Ottawa|Canadian
Chile|Santiago|Chilean
China|Beijing|Chinese
Colombia|Bogota|Colombian
Congo|Kinshasa|Congolese
Costa Rica|San Jose|Costa Rican
Croatia|Zagreb|Croatian,Croat
Cuba|Havana|Cuban
Cyprus|Nicosia|Cypriot
Czech Republic|Prague|Czech
Czechia|Prague|Czech
Denmark|Copenhagen|Danish,Dane
Djibouti|Djibouti|Djiboutian
Dominican Republic|Santo Domingo|Dominican
Ecuador|Quito|Ecuadorian
Egypt|Cairo|Egyptian
El Salvador|San Salvador|Salvadoran
Eritrea|Asmara|Eritrean
Estonia|Tallinn|Estonian
Ethiopia|Addis Ababa|Ethiopian
Fiji|Suva|Fijian
Finland|Helsinki|Finnish,Finn
France|Paris|French
Gabon|Libreville|Gabonese
Gambia|Banjul|Gambian
Georgia|Tbilisi|Georgian
Germany|Berlin|German
Ghana|Accra|Ghanaian
Greece|Athens|Greek
Guatemala|Guatemala City|Guatemalan
Guinea|Conakry|Guinean
Guyana|Georgetown|Guyanese
Haiti|Port-au-Prince|Haitian
Honduras|Tegucigalpa|Honduran
Hungary|Budapest|Hungarian
Iceland|Reykjavik|Icelandic,Icelander
India|New Delhi|Indian
Indonesia|Jakarta|Indonesian
Iran|Tehran|Iranian
Iraq|Baghdad|Iraqi
Ireland|Dublin|Irish
Israel|Jerusalem|Israeli
Italy|Rome|Italian
Ivory Coast|Yamoussoukro|Ivorian
Jamaica|Kingston|Jamaican
Japan|Tokyo|Japanese
Jordan|Amman|Jordanian
Kazakhstan|Astana|Kazakh,Kazakhstani
Kenya|Nairobi|Kenyan
Kosovo|Pristina|Kosovar
Kuwait|Kuwait City|Kuwaiti
Kyrgyzstan|Bishkek|Kyrgyz
Laos|Vientiane|Laotian,Lao
Latvia|Riga|Latvian
Lebanon|Beirut|Lebanese
Liberia|Monrovia|Liberian
Libya|Tripoli|Libyan
Liechtenstein|Vaduz|Liechtensteiner
Lithuania|Vilnius|Lithuanian
Luxembourg|Luxembourg|Luxembourger
Madagascar|Antananarivo|Malagasy
Malawi|Lilongwe|Malawian
Malaysia|Kuala Lumpur|Malaysian
Maldives|Male|Maldivian
Mali|Bamako|Malian
Malta|Valletta|Maltese
Mauritania|Nouakchott|Mauritanian
Mauritius|Port Louis|Mauritian
Mexico|Mexico City|Mexican
Moldova|Chisinau|Moldovan
Monaco|Monaco|Monegasque
Mongolia|Ulaanbaatar|Mongolian
Montenegro|Podgorica|Montenegrin
Morocco|Rabat|Moroccan
Mozambique|Maputo|Mozambican
Myanmar|Naypyidaw|Burmese
Namibia|Windhoek|Namibian
Nepal|Kathmandu|Nepali,Nepalese
Netherlands|Amsterdam|Dutch
New Zealand|Wellington|New Zealander
Nicaragua|Managua|Nicaraguan
Niger|Niamey|Nigerien
Nigeria|Abuja|Nigerian
North Korea|Pyongyang|North Korean
North Macedonia|Skopje|Macedonian
Norway|Oslo|Norwegian
Oman|Muscat|Omani
Pakistan|Islamabad|Pakistani
Palestine|Ramallah|Palestinian
Panama|Panama City|Panamanian
Papua New Guinea|Port Moresby|Papua New Guinean
Paraguay|Asuncion|Paraguayan
Peru|Lima|Peruvian
Philippines|Manila|Filipino,Philippine
Poland|Warsaw|Polish,Pole
Portugal|Lisbon|Portuguese
Qatar|Doha|Qatari
Romania|Bucharest|Romanian
Russia|Moscow|Russian
Rwanda|Kigali|Rwandan
Saudi Arabia|Riyadh|Saudi
Senegal|Dakar|Senegalese
Serbia|Belgrade|Serbian,Serb
Sierra Leone|Freetown|Sierra Leonean
Singapore|Singapore|Singaporean
Slovakia|Bratislava|Slovak
Slovenia|Ljubljana|Slovenian,Slovene
Somalia|Mogadishu|Somali
South Africa|Pretoria|South African
South Korea|Seoul|South Korean
South Sudan|Juba|South Sudanese
Spain|Madrid|Spanish,Spaniard
Sri Lanka|Colombo|Sri Lankan
Sudan|Khartoum|Sudanese
Suriname|Paramaribo|Surinamese
Sweden|Stockholm|Swedish,Swede
Switzerland|Bern|Swiss
Syria|Damascus|Syrian
Taiwan|Taipei|Taiwanese
Tajikistan|Dushanbe|Tajik
Tanzania|Dodoma|Tanzanian
Thailand|Bangkok|Thai
Togo|Lome|Togolese
Tunisia|Tunis|Tunisian
Turkey|Ankara|Turkish,Turk
Turkmenistan|Ashgabat|Turkmen
Uganda|Kampala|Ugandan
Ukraine|Kyiv|Ukrainian
Ukraine|Kiev|
United Arab Emirates|Abu Dhabi|Emirati
United Kingdom|London|British,Briton
Britain|London|British
England|London|English
Scotland|Edinburgh|Scottish,Scot
Wales|Cardiff|Welsh
United States|Washington|American
America|Washington|American
Uruguay|Montevideo|Uruguayan
Uzbekistan|Tashkent|Uzbek
Venezuela|Caracas|Venezuelan
Vietnam|Hanoi|Vietnamese
Yemen|Sanaa|Yemeni
Zambia|Lusaka|Zambian
Zimbabwe|Harare|Zimbabwean
Soviet Union|Moscow|Soviet
Yugoslavia|Belgrade|Yugoslav
Czechoslovakia|Prague|Czechoslovak
"""

# Short forms of country names used in running text.
_COUNTRY_ABBREVIATIONS = frozenset({"US", "U.S.", "USA", "U.S.A.", "UK", "U.K.", "UAE", "DRC"})

# Group adjectives that are not tied to one country.
_GROUPS = _wordset(
    """European African Asian Arab Nordic Baltic Balkan Scandinavian Soviet Western
Kurdish Kurd Palestinian Jewish Muslim Christian Catholic Protestant Sunni Shia
Shiite Hindu Buddhist Sikh Republican Democrat Communist
Socialist Hispanic Latino Latina Persian Pashtun Tamil Uyghur Uighur Tatar Chechen Crimean
Basque Catalan Flemish Walloon Berber Bedouin Druze Yazidi Rohingya Maori Māori Aboriginal Inuit
Lutheran Methodist Baptist Anglican Presbyterian Episcopalian Evangelical Pentecostal Mormon
Quaker Amish Jew"""
)

# Capitals and countries that are also everyday words or common names.
_AMBIGUOUS_PLACES = frozenset(
    {
        "Chad",
        "Jordan",
        "Georgia",
        "Male",
        "Victoria",
        "Kingston",
        "Washington",
        "Santiago",
        "San Jose",
        "Lima",
        "Sofia",
        "Niger",
        "Guinea",
        "Turkey",
        "Bern",
        "Nassau",
        "Valletta",
        "Juba",
        "Doha",
        "Tunis",
        "America",
        "England",
        "Wales",
        "Georgetown",
        "Wellington",
        "Monaco",
        "Luxembourg",
        "Singapore",
        "Djibouti",
        "Panama",
        "Kuwait",
        "Pole",
        "Turk",
        "Scot",
        "Dane",
        "Finn",
        "Swede",
        "Serb",
        "Croat",
        "Lao",
        "Thai",
        "Czech",
    }
)


@cache
def places() -> frozenset[str]:
    """Country and capital names."""
    names: set[str] = set()
    for line in _COUNTRIES.strip().splitlines():
        country, capital, _ = line.split("|")
        names.add(country)
        names.add(capital)
    return frozenset(names | _COUNTRY_ABBREVIATIONS)


@cache
def unambiguous_places() -> frozenset[str]:
    return places() - _AMBIGUOUS_PLACES


@cache
def demonyms() -> frozenset[str]:
    """Nationality and group adjectives, with their plural nouns ("Ukrainians")."""
    words: set[str] = set(_GROUPS)
    for line in _COUNTRIES.strip().splitlines():
        for word in line.split("|")[2].split(","):
            if word:
                words.add(word)
    plurals = set()
    for word in words:
        if not word.endswith(("ese", "ish", "ch", "ss", "i")) and " " not in word:
            plurals.add(word + "s")
    return frozenset(words | plurals | {"Saudis", "Iraqis", "Israelis", "Pakistanis"})


def is_demonym_shape(word: str) -> bool:
    """A capitalised word built like a nationality adjective: Ukrainian, Congolese, Iraqi."""
    if " " in word or not word[:1].isupper() or not word[1:].islower() or len(word) < 5:
        return False
    return word.endswith(("ian", "ians", "ean", "eans", "ese", "ish"))
