"""A category only where the article reports an offence of that kind (issue 19).

Every error example of the issue is a case here, in texts written for these tests: a word in
passing, a quotation about something else, a metaphor, background, a denial or an old story must
not give a category, a primary category or a stage.
"""

import pytest

from corpus.annotate.crime import CATEGORIES, classify_crime


def test_woman_found_dead_partner_arrested_is_levensdelict_only():
    result = classify_crime(
        "Vrouw dood aangetroffen in haar woning in Hoogezand, partner opgepakt",
        "In een rijtjeshuis aan de Kerkstraat in Hoogezand is maandagochtend het lichaam van een "
        "52-jarige vrouw gevonden. Haar zus sloeg alarm toen zij de telefoon niet meer opnam. De "
        "politie gaat ervan uit dat de vrouw door een misdrijf om het leven is gekomen. Haar "
        "56-jarige partner is dezelfde dag aangehouden bij een tankstation. De recherche heeft het "
        "huis de hele dag onderzocht.",
    )
    assert result.is_crime
    assert result.categories == ("levensdelict",)
    assert result.primary_category == "levensdelict"
    assert result.stage == "aanhouding"


def test_helpdesk_fraud_and_phishing_is_not_theft():
    result = classify_crime(
        "Bende die ouderen belde als nepbankmedewerker opgerold",
        "De politie heeft vier mannen aangehouden die ouderen oplichtten met zogenoemde "
        "bankhelpdeskfraude. Slachtoffers kregen eerst een sms met een link naar een valse "
        "inlogpagina van hun bank; die phishingberichten leken sprekend op echte. Daarna belde een "
        "zogenaamde medewerker die hen overhaalde hun spaargeld naar een 'kluisrekening' over te "
        "maken. In totaal werd ruim 400.000 euro van de rekeningen van 37 slachtoffers gehaald.",
    )
    assert set(result.categories) == {"cybercrime", "fraude_witwassen"}
    assert "inbraak_diefstal" not in result.categories
    assert result.primary_category in ("fraude_witwassen", "cybercrime")


def test_ransomware_hackers_holding_systems_hostage_is_not_violence_or_fraud():
    result = classify_crime(
        "Hackers gijzelen computersystemen van ziekenhuis in Deventer",
        "Een ransomware-aanval heeft het ziekenhuis in Deventer dinsdag grotendeels platgelegd. De "
        "hackers gijzelen de computersystemen en eisen losgeld in bitcoin. Afspraken voor "
        "poliklinieken zijn afgezegd. Het ziekenhuis heeft aangifte gedaan en onderzoekt met een "
        "beveiligingsbedrijf of er patiëntgegevens zijn buitgemaakt. Het losgeld wordt niet betaald, "
        "zegt de bestuursvoorzitter.",
    )
    assert result.is_crime
    assert result.categories == ("cybercrime",)
    assert result.primary_category == "cybercrime"


def test_money_laundering_through_real_estate_without_drugs_is_not_drugs():
    result = classify_crime(
        "FIOD houdt makelaar en notaris aan voor witwassen via vastgoed",
        "De FIOD heeft dinsdag een 51-jarige makelaar uit Breda en een 63-jarige notaris "
        "aangehouden. Zij worden ervan verdacht via de aan- en verkoop van ruim twintig panden "
        "miljoenen euro's te hebben witgewassen. Het geld was volgens de FIOD afkomstig uit "
        "drugshandel in het buitenland, waar de verdachten zelf niet bij betrokken waren. Bij "
        "doorzoekingen zijn administratie en dure horloges in beslag genomen.",
    )
    assert result.categories == ("fraude_witwassen",)
    assert result.primary_category == "fraude_witwassen"


def test_shooting_at_a_shopping_centre_is_not_theft():
    result = classify_crime(
        "Schietpartij bij winkelcentrum in Almere: man zwaargewond",
        "Bij winkelcentrum Stadshart in Almere is zaterdagmiddag een 30-jarige man neergeschoten. "
        "Hij is zwaargewond naar het ziekenhuis gebracht. Winkelend publiek vluchtte de winkels in. "
        "Het winkelcentrum kampt al langer met winkeldiefstallen en overlast van jongeren, zeggen "
        "ondernemers. De schutter vluchtte op een scooter; de politie zoekt getuigen.",
    )
    assert set(result.categories) == {"geweld", "wapens_explosies"}
    assert result.primary_category == "geweld"


def test_fatal_stabbing_with_a_quote_about_dealing_is_not_drugs():
    result = classify_crime(
        "Man (27) overleden na steekpartij in Tilburg-Noord",
        "Een 27-jarige man is zondagnacht overleden nadat hij bij een flat in Tilburg-Noord met "
        "een mes was gestoken. Een 31-jarige man is aangehouden. 'Vroeger werd hier om de hoek "
        "gedeald, maar het was de laatste jaren juist rustig', zegt een buurtbewoner. De politie "
        "onderzoekt wat er voorafging.",
    )
    assert set(result.categories) == {"levensdelict", "geweld"}
    assert "drugs" not in result.categories
    assert result.primary_category == "levensdelict"


def test_cocaine_case_with_twelve_arrests_is_drugs_not_five_categories():
    result = classify_crime(
        "Twaalf aanhoudingen in onderzoek naar invoer van cocaïne via Vlissingen",
        "In een groot onderzoek naar de invoer van cocaïne via de haven van Vlissingen zijn "
        "twaalf verdachten aangehouden. Zij zouden sinds 2023 ruim vierduizend kilo cocaïne in "
        "containers met fruit hebben binnengehaald. Volgens het OM ging het om een criminele "
        "organisatie met vertakkingen in Rotterdam en Antwerpen. Een van de verdachten was eerder "
        "veroordeeld voor een overval en voor wapenbezit. 'Dit is moordende concurrentie voor "
        "eerlijke havenbedrijven', zegt de havenwethouder. Er werden geen vuurwapens gevonden.",
    )
    assert result.categories == ("drugs",)
    assert result.primary_category == "drugs"
    assert result.stage == "aanhouding"


def test_het_hele_huis_is_not_the_fencer():
    result = classify_crime(
        "Het hele huis verbouwd in drie maanden",
        "Toen het gezin het hele huis wilde verbouwen, verhuisde het tijdelijk naar een "
        "vakantiepark. De helers van de buren hielpen mee met slopen. Nu is alles af.",
    )
    assert not any(e.startswith("word:hele ") for e in result.evidence)
    assert not result.is_crime


def test_heler_as_the_trade_still_counts():
    result = classify_crime(
        "Heler opgepakt met schuur vol gestolen fietsen",
        "De politie heeft in Zwolle een 44-jarige heler aangehouden. In zijn schuur stonden "
        "zestig gestolen fietsen.",
    )
    assert result.categories == ("inbraak_diefstal",)
    assert any(e.startswith("word:heler") for e in result.evidence)


def test_murder_of_1663_in_a_history_piece_is_not_crime_news():
    result = classify_crime(
        "Moord op zilversmid in 1663: stadsarchief vindt verhoor terug",
        "In januari 1663 werd de Kamper zilversmid Hendrik Moll doodgestoken op de Oudestraat. Een "
        "vrijwilliger van het stadsarchief vond nu het verhoor van de twee knechten die destijds "
        "werden gearresteerd en veroordeeld. 'Het laat zien hoe snel men een dader aanwees', zegt "
        "de archivaris. De stukken zijn vanaf maart te zien in een kleine tentoonstelling.",
    )
    assert not result.is_crime
    assert result.categories == () and result.primary_category is None and result.stage is None
    assert "neg:retrospective -8.0" in result.evidence


def test_anniversary_of_an_old_murder_in_a_museum_is_not_crime_news():
    result = classify_crime(
        "Veertig jaar na de moord op de burgemeester: museum toont zijn agenda",
        "Het streekmuseum in Winterswijk herdenkt deze maand de moord op burgemeester Jansen, die "
        "in 1985 in zijn tuin werd doodgeschoten. De dader werd nooit gevonden. De tentoonstelling "
        "toont zijn agenda, brieven en krantenknipsels uit die tijd.",
    )
    assert not result.is_crime


def test_true_crime_podcast_is_not_crime_news():
    result = classify_crime(
        "Nieuwe true crime-podcast duikt in de verdwijning van een Zeeuwse boer",
        "In acht afleveringen reconstrueren twee journalisten de zaak van een boer die in 1998 "
        "verdween. De makers spraken met rechercheurs, buren en familie. De podcast staat in de "
        "top van de hitlijsten.",
    )
    assert not result.is_crime


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Moordende concurrentie in de fietsenbranche",
            "Fietsenwinkels in Gelderland hebben het zwaar. 'Het is moordende concurrentie met de "
            "webwinkels', zegt een winkelier. Drie zaken sloten dit jaar.",
        ),
        (
            "Sneeuw houdt Twente in gijzeling",
            "De sneeuw houdt de hele regio in gijzeling: bussen rijden niet en scholen blijven dicht. "
            "Het KNMI verwacht morgen dooi.",
        ),
    ],
)
def test_metaphors_give_no_category(title, text):
    result = classify_crime(title, text)
    assert not result.is_crime
    assert result.categories == ()


def test_denied_offence_gives_no_category():
    result = classify_crime(
        "Storing bij gemeentelijke website was geen hack",
        "De storing bij de website van de gemeente Zeist kwam niet door een aanval van buitenaf. "
        "Er zijn geen aanwijzingen dat er is ingebroken of dat er gegevens zijn gestolen, zegt de "
        "gemeente. Een fout bij een update was de oorzaak.",
    )
    assert not result.is_crime
    assert result.categories == ()


def test_earlier_conviction_is_background_not_a_category_or_stage():
    result = classify_crime(
        "Man aangehouden voor aanranding in park in Leiden",
        "De politie heeft een 38-jarige man aangehouden die ervan wordt verdacht zondag een vrouw "
        "te hebben aangerand in het Van der Werfpark. De man was eerder veroordeeld voor diefstal.",
    )
    assert result.categories == ("zeden",)
    assert result.stage == "aanhouding"


def test_drugs_in_a_drivers_saliva_are_traffic_not_drugs():
    result = classify_crime(
        "Automobilist onder invloed van cocaïne rijdt in op bushalte in Oss",
        "Een 24-jarige automobilist is zaterdagnacht ingereden op een bushalte in Oss. Een "
        "speekseltest was positief op cocaïne. In de auto werden geen drugs gevonden. Hij is "
        "aangehouden en zijn rijbewijs is ingevorderd.",
    )
    assert result.categories == ("verkeer",)
    assert result.primary_category == "verkeer"


@pytest.mark.parametrize(
    ("title", "text", "categories", "primary"),
    [
        (
            "Overvallers slaan bewoner en binden hem vast in Uden",
            "Twee mannen hebben een 70-jarige bewoner in Uden overvallen. Ze sloegen hem in het "
            "gezicht en bonden hem vast aan een stoel. Ze gingen ervandoor met sieraden.",
            {"overval", "geweld"},
            "overval",
        ),
        (
            "Gewapende overval op snackbar in Hoorn",
            "Een man heeft een snackbar in Hoorn overvallen. Hij bedreigde de eigenaar met een "
            "vuurwapen en ging ervandoor met de kassa. Niemand raakte gewond.",
            {"overval", "wapens_explosies"},
            "overval",
        ),
        (
            "Man doodgeschoten in auto in Utrecht",
            "In Utrecht is een 35-jarige man in zijn auto doodgeschoten. De schutter vluchtte. De "
            "politie spreekt van een liquidatie.",
            {"levensdelict", "wapens_explosies"},
            "levensdelict",
        ),
        (
            "Vrouw overleeft poging tot moord in Zwolle",
            "Een 40-jarige man wordt verdacht van poging tot moord op zijn ex-vriendin. Hij stak "
            "haar met een mes in haar rug. Zij overleefde de aanval.",
            {"geweld"},
            "geweld",
        ),
        (
            "Plofkraak op geldautomaat in Houten",
            "Bij een plofkraak op een geldautomaat in Houten is vannacht grote schade ontstaan. "
            "De daders gingen ervandoor in een donkere auto.",
            {"inbraak_diefstal", "wapens_explosies"},
            "inbraak_diefstal",
        ),
        (
            "Relschoppers bekogelen agenten in Den Bosch, twee agenten gewond",
            "Bij rellen in Den Bosch zijn zaterdagavond twee agenten gewond geraakt. Relschoppers "
            "vernielden bushokjes en gooiden stenen. Er zijn acht aanhoudingen verricht.",
            {"openbare_orde", "geweld"},
            "openbare_orde",
        ),
        (
            "Bende dwong jongeren drugs te verkopen",
            "Vijf mannen staan terecht omdat zij minderjarigen zouden hebben gedwongen om drugs te "
            "verkopen in Rotterdam-Zuid. Het OM vervolgt hen voor mensenhandel en drugshandel.",
            {"mensenhandel", "drugs"},
            "mensenhandel",
        ),
    ],
)
def test_combinations_follow_the_conventions_and_name_the_main_offence(title, text, categories, primary):
    result = classify_crime(title, text)
    assert set(result.categories) == categories
    assert result.primary_category == primary


def test_primary_category_is_one_of_the_categories_or_none():
    crime = classify_crime(
        "Inbrekers slaan toe in Ede",
        "In Ede is vannacht ingebroken in drie woningen. De politie zoekt getuigen.",
    )
    other = classify_crime("Nieuwe bibliotheek in Ede open", "De bibliotheek is zaterdag geopend.")
    assert crime.primary_category in crime.categories
    assert crime.primary_category in CATEGORIES
    assert other.primary_category is None


@pytest.mark.parametrize(
    ("title", "text", "stage"),
    [
        (
            "Politie onderzoekt uitbuiting van schoonmakers",
            "De politie onderzoekt de uitbuiting van zes schoonmakers in Rijswijk. Er is nog niemand "
            "aangehouden.",
            "incident",
        ),
        (
            "Zakenman ontvoerd in Lier, losgeld geëist",
            "Een zakenman is ontvoerd in Lier. Voor zijn vrijlating werd 100.000 euro losgeld geëist. "
            "Twee verdachten zijn opgepakt.",
            "aanhouding",
        ),
        (
            "Man die kalasjnikov droeg moet voor de rechter verschijnen",
            "De raadkamer heeft de man doorverwezen naar de correctionele rechtbank voor verboden "
            "wapenbezit. Het proces vindt in april plaats.",
            "vervolging",
        ),
        (
            "Twaalf jaar cel voor doodslag op buurman",
            "De rechtbank heeft een 45-jarige man veroordeeld tot twaalf jaar cel voor doodslag op "
            "zijn buurman. Hij overweegt in hoger beroep te gaan.",
            "vonnis",
        ),
        (
            "OM eist levenslang voor liquidatie in Amsterdam",
            "Het OM eist levenslang tegen de schutter van een liquidatie in Amsterdam-West. De "
            "rechtbank doet over twee weken uitspraak.",
            "rechtszaak",
        ),
        (
            "Dronken bestuurder betrapt in Emmen",
            "Een automobilist is in Emmen aangehouden met te veel alcohol op. Zijn rijbewijs is ingevorderd.",
            "aanhouding",
        ),
    ],
)
def test_stage_is_what_the_article_reports(title, text, stage):
    assert classify_crime(title, text).stage == stage


def test_quoted_crime_words_alone_do_not_make_crime_news():
    result = classify_crime(
        "Herstel van gedupeerde ouders loopt vertraging op",
        "Het herstel van ouders die ten onrechte als fraudeur werden bestempeld, loopt opnieuw "
        "vertraging op, schrijft de staatssecretaris. 'We werden als criminelen behandeld', zegt een "
        "moeder. De Tweede Kamer debatteert volgende week.",
    )
    assert not result.is_crime


def test_theft_from_a_museum_today_is_crime_news():
    result = classify_crime(
        "Schilderij gestolen uit museum in Dordrecht",
        "Uit het Dordrechts Museum is in de nacht van zaterdag op zondag een schilderij gestolen. "
        "Inbrekers forceerden een nooduitgang. De tentoonstelling blijft voorlopig dicht; de "
        "politie zoekt getuigen.",
    )
    assert result.is_crime
    assert result.categories == ("inbraak_diefstal",)


def test_a_criminal_milieu_named_with_the_offence_keeps_the_offence():
    result = classify_crime(
        "Man uit drugsmilieu doodgeschoten in Amsterdam-Oost",
        "Een 29-jarige man uit het drugsmilieu is vrijdagavond in Amsterdam-Oost doodgeschoten. "
        "De politie zoekt de schutter.",
    )
    assert result.categories == ("levensdelict", "wapens_explosies")
    assert result.primary_category == "levensdelict"


def test_origin_of_a_suspect_is_not_background():
    result = classify_crime(
        "Man afkomstig uit Polen opgepakt voor diefstal van gereedschap",
        "Een 33-jarige man afkomstig uit Polen is in Venlo opgepakt voor de diefstal van gereedschap "
        "uit bouwketen.",
    )
    assert result.categories == ("inbraak_diefstal",)
    assert result.stage == "aanhouding"


def test_smashed_display_cases_and_a_gun_that_only_looked_real_add_nothing_to_a_robbery():
    result = classify_crime(
        "Overval op juwelier in Zutphen",
        "Drie mannen hebben zaterdag een juwelier in Zutphen overvallen. Ze bedreigden het "
        "personeel met wat volgens getuigen op een vuurwapen leek en sloegen twee vitrines kapot. "
        "Winkelend publiek sloeg alarm. Niemand raakte gewond.",
    )
    assert result.categories == ("overval",)


def test_threat_of_dismissal_is_not_violence():
    result = classify_crime(
        "Tuinder veroordeeld voor uitbuiting van arbeidsmigranten",
        "De rechtbank heeft een tuinder uit Westland veroordeeld tot twee jaar cel voor uitbuiting. "
        "Werknemers die klaagden, werden met ontslag bedreigd.",
    )
    assert result.categories == ("mensenhandel",)


def test_remote_takeover_of_a_computer_is_cybercrime():
    result = classify_crime(
        "Oplichters nemen computer van bejaarde over",
        "Oplichters die zich voordeden als medewerkers van een softwarebedrijf hebben de computer "
        "van een 80-jarige man uit Epe op afstand overgenomen en 20.000 euro van zijn rekening "
        "gehaald. De politie waarschuwt voor deze vorm van oplichting.",
    )
    assert set(result.categories) == {"cybercrime", "fraude_witwassen"}


def test_acquittal_pleaded_by_the_defence_is_no_verdict():
    result = classify_crime(
        "OM eist drie jaar cel voor witwassen via autohandel",
        "Het OM heeft drie jaar cel geëist tegen een autohandelaar uit Helmond voor witwassen. Zijn "
        "advocaat bepleitte vrijspraak. De rechtbank doet op 3 maart uitspraak.",
    )
    assert result.stage == "rechtszaak"


def test_arson_of_several_things_is_openbare_orde():
    result = classify_crime(
        "Onrustige nacht in Roermond",
        "Een groep jongeren stak containers, een bushokje en een auto in brand. De politie hield "
        "zes jongeren aan. Twee agenten raakten gewond.",
    )
    assert set(result.categories) == {"openbare_orde", "geweld"}
    assert result.primary_category == "openbare_orde"


def test_a_window_smashed_in_a_burglary_is_not_vandalism_and_alarm_is_no_blow():
    result = classify_crime(
        "Drie inbraken in Epe op één dag",
        "In Epe is dinsdag in drie woningen ingebroken. In één woning werd een ruit ingeslagen. "
        "Buren sloegen 's middags rond drie uur alarm. De inbrekers sloegen steeds overdag toe.",
    )
    assert result.categories == ("inbraak_diefstal",)


def test_strangling_in_a_killing_is_violence():
    result = classify_crime(
        "Proces over moord op jonge vrouw begonnen",
        "Voor het hof van assisen is het proces begonnen tegen een man die zijn ex-partner zou "
        "hebben vermoord. Volgens de akte van beschuldiging kwam zij om het leven door verwurging.",
    )
    assert set(result.categories) == {"levensdelict", "geweld"}
    assert result.primary_category == "levensdelict"


def test_an_initial_ends_no_sentence_so_the_lead_keeps_the_killing():
    result = classify_crime(
        "Assisen Gent: 25 jaar cel voor Marc D., die zijn vrouw wurgde in Eeklo",
        "Het hof van assisen heeft Marc D. (61) veroordeeld tot 25 jaar cel voor de moord op zijn "
        "vrouw. Hij wurgde haar in hun woning in Eeklo.",
    )
    assert set(result.categories) == {"levensdelict", "geweld"}
    assert result.primary_category == "levensdelict"


def test_weapons_found_in_a_drugs_search_do_not_outweigh_the_drugs():
    result = classify_crime(
        "Duizenden xtc-pillen en een pistool gevonden in woning in Oss",
        "Bij een doorzoeking van een woning in Oss heeft de politie 15.000 xtc-pillen, een pistool "
        "met munitie en twee geweren gevonden. De bewoner is aangehouden; hij verkocht de pillen "
        "volgens de politie aan dealers.",
    )
    assert set(result.categories) == {"drugs", "wapens_explosies"}
    assert result.primary_category == "drugs"


_HELDOUT6 = [
    (
        "Gemeente Oldebroek kampt met gijzelsoftware",
        "Hackers hebben de computers van de gemeente Oldebroek met gijzelsoftware platgelegd. Loketten "
        "blijven dicht.",
        {"cybercrime"},
    ),
    (
        "Storing bij ziekenhuis in Zwolle",
        "Criminelen zijn zondag het netwerk van een ziekenhuis in Zwolle binnengedrongen en vragen "
        "losgeld. De politie onderzoekt de zaak.",
        {"cybercrime"},
    ),
    (
        "Jongen gewond bij woning in Breda",
        "Een 17-jarige jongen is zaterdag bij een woning in Breda door een kogel geraakt. De politie "
        "zoekt de schutter.",
        {"geweld", "wapens_explosies"},
    ),
    (
        "Man gewond in Tilburg",
        "Een man is dinsdag in Tilburg gewond geraakt toen een onbekende meerdere keren vuurde. De "
        "politie zoekt getuigen.",
        {"geweld", "wapens_explosies"},
    ),
    (
        "Pinautomaat in Wijchen opgeblazen",
        "In Wijchen is vannacht een pinautomaat in de gevel van een bank opgeblazen. De daders "
        "vluchtten op een scooter.",
        {"inbraak_diefstal", "wapens_explosies"},
    ),
    (
        "Slachtoffer met messteken gevonden in Venray",
        "In Venray is een man met meerdere messteken in zijn rug gevonden. Hij is zwaargewond naar "
        "het ziekenhuis gebracht; de politie zoekt de dader.",
        {"geweld"},
    ),
    (
        "Kassier van voetbalclub uit Doetinchem gedagvaard",
        "De voormalige kassier van een amateurclub in Doetinchem heeft zich volgens het OM 90.000 euro "
        "uit de clubkas toegeëigend. Hij is gedagvaard.",
        {"fraude_witwassen"},
    ),
    (
        "Ouderen in Zeist gebeld door nepagenten",
        "In Zeist zijn deze week vijf ouderen gebeld door valse agenten die vroegen om sieraden en "
        "geld klaar te leggen. De politie waarschuwt.",
        {"fraude_witwassen"},
    ),
    (
        "Champignonkweker uit Horst vervolgd",
        "Het OM vervolgt een champignonkweker die zijn Poolse plukkers liet werken voor twee euro per "
        "uur. Hij nam hun paspoorten in en liet hen in een schuur slapen.",
        {"mensenhandel"},
    ),
    (
        "Hof verzwaart straf voor pooier uit Gent",
        "Het hof van beroep heeft een pooier veroordeeld tot zes jaar cel omdat hij drie jonge vrouwen "
        "in een appartement in Gent tot prostitutie dwong.",
        {"mensenhandel", "zeden"},
    ),
    (
        "Verkeersruzie in Houten loopt uit op vuistslagen",
        "Na een verkeersruzie op een kruispunt in Houten heeft een automobilist een fietser met "
        "vuistslagen bewerkt. De politie zoekt getuigen.",
        {"geweld", "verkeer"},
    ),
]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "PSV steelt de punten in De Kuip",
            "Feyenoord zag zich in blessuretijd van de zege beroofd. 'Dit voelt als diefstal,' zei de "
            "trainer. PSV won na een late hoekschop.",
        ),
        (
            "Storing bij waterschap",
            "Water is het systeem binnengedrongen, waardoor de servers van het waterschap uitvielen.",
        ),
        (
            "Debat over de begroting",
            "De oppositie vuurde vragen op de minister af. Zij wil meer geld om de drugscriminaliteit aan "
            "te pakken.",
        ),
        (
            "Nieuw paspoort ophalen kan op zaterdag",
            "Inwoners van Baarn kunnen op zaterdag terecht bij het gemeenteloket. Wie een paspoort "
            "aanvraagt, neemt het nieuwe paspoort in ontvangst na een week.",
        ),
    ],
)
def test_crime_words_used_otherwise_make_no_crime_news(title, text):
    result = classify_crime(title, text)
    assert not result.is_crime
    assert result.categories == ()


def test_can_go_to_a_counter_is_no_trial():
    """'Terecht kunnen' (can go to) and 'terecht' (rightly) are no trial: only 'staat terecht'."""
    result = classify_crime(
        "Inbraak bij woningcorporatie in Zutphen",
        "Bij een woningcorporatie in Zutphen is ingebroken; dieven namen laptops mee. Huurders kunnen "
        "voorlopig alleen telefonisch terecht. De directeur noemt de ophef terecht.",
    )
    assert result.is_crime
    assert result.stage == "incident"


@pytest.mark.parametrize(
    ("title", "text", "category"),
    [
        (
            "Penningmeester tennisclub Soest vervolgd",
            "De penningmeester van een tennisclub in Soest eigende zich volgens het OM 40.000 euro uit de "
            "clubkas toe. Hij is gedagvaard.",
            "fraude_witwassen",
        ),
        (
            "Vrouw (88) in Zeist bestolen",
            "Twee mannen die zich voordeden als agenten hebben in Zeist een vrouw van 88 om haar pinpas "
            "gevraagd. De politie zoekt getuigen.",
            "fraude_witwassen",
        ),
        (
            "Bank in Zeist beschadigd",
            "De geldautomaat in de gevel van de Rabobank in Zeist is vannacht opgeblazen. De politie zoekt "
            "twee mannen op een scooter.",
            "inbraak_diefstal",
        ),
    ],
)
def test_separable_and_longer_forms_of_the_new_phrases(title, text, category):
    result = classify_crime(title, text)
    assert result.is_crime
    assert result.primary_category == category


def test_claiming_a_title_or_art_is_no_embezzlement():
    for text in (
        "Zij eigende zich de titel toe na een sterke finale in Heerenveen.",
        "Het museum wordt verweten dat het zich de kunst van anderen toe-eigent.",
    ):
        assert not any(e.startswith("phrase geld toegeëigend") for e in classify_crime("", text).evidence)


# -- heldout7 (40 blind texts, first run categories micro-F1 0.686): offences told in plain words -----


_HELDOUT7 = [
    (
        "Automobilist in Bree met vuurwapen uit wagen gezet",
        "Een 55-jarige man is zondagavond in Bree onder bedreiging van een vuurwapen zijn auto "
        "kwijtgeraakt. De twee daders reden weg met zijn wagen. De man liep schaafwonden op.",
        {"overval", "geweld", "wapens_explosies"},
    ),
    (
        "Twee mannen bedreigen kioskhouder in Deinze",
        "Een kioskhouder in Deinze kreeg maandag een mes tegen zijn keel. De daders namen de "
        "dagopbrengst mee. Hij bleef ongedeerd.",
        {"overval"},
    ),
    (
        "Opkoper in Doetinchem veroordeeld",
        "Een 51-jarige opkoper uit Doetinchem kocht tientallen scooters die volgens de rechter niet "
        "eerlijk verkregen waren. Hij krijgt een werkstraf.",
        {"inbraak_diefstal"},
    ),
    (
        "Fietser in Eelde aangereden",
        "Een fietser is dinsdagavond in Eelde gewond geraakt. De automobilist stapte na de aanrijding "
        "niet uit maar reed verder richting Groningen. De politie zoekt getuigen.",
        {"verkeer"},
    ),
    (
        "Kassier van voetbalclub in Genemuiden voor de rechter",
        "De 58-jarige kassier van een voetbalclub in Genemuiden heeft jarenlang contributiegeld naar "
        "zijn eigen rekening overgemaakt. Het OM eist een jaar cel.",
        {"fraude_witwassen"},
    ),
    (
        "Zeven mensen in koelwagen gevonden in Zeebrugge",
        "In de haven van Zeebrugge zijn zeven verstekelingen gevonden in de laadruimte van een "
        "koelwagen. De chauffeur is opgepakt. Er werden geen wapens of drugs aangetroffen.",
        {"mensenhandel"},
    ),
    (
        "Tuinder in Westland gedagvaard",
        "Een tuinder uit het Westland wordt verdacht van het uitbuiten van twaalf arbeiders. Hun "
        "identiteitsbewijzen werden bij aankomst in een kluis opgeborgen. Hij is gedagvaard.",
        {"mensenhandel"},
    ),
    (
        "Man uit Almere krijgt vier jaar cel",
        "De rechtbank veroordeelde een 31-jarige man uit Almere tot vier jaar cel. Hij dwong een "
        "vrouw die hij via een datingsite had leren kennen in een hotel seks te hebben met klanten.",
        {"mensenhandel", "zeden"},
    ),
    (
        "Man overleden na ruzie in Zevenaar",
        "Een 60-jarige man is zaterdag overleden nadat hij in een portiek in Zevenaar met een mes was "
        "verwond. De politie hield een buurman aan.",
        {"levensdelict", "geweld"},
    ),
    (
        "Pinautomaat in Stadskanaal opengeblazen",
        "In Stadskanaal is vannacht een pinautomaat in de gevel van een winkel opengeblazen. De daders "
        "gingen er met de geldlades vandoor.",
        {"inbraak_diefstal", "wapens_explosies"},
    ),
]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Sparta overvalt de koploper",
            "Sparta heeft zondag koploper Ajax verrast met een 2-0 zege. Na de aftrap zette de thuisploeg "
            "meteen druk, en in blessuretijd beroofde invaller Jansen de bezoekers van hun laatste hoop.",
        ),
        (
            "Van Aert berooft Pidcock van de zege",
            "In de slotronde van de cross in Baal berooft Van Aert zijn rivaal van de zege. 'Ik heb hem "
            "een beetje overvallen', zei hij. In het klassement blijft Pidcock leider.",
        ),
    ],
)
def test_sport_that_robs_or_overruns_an_opponent_is_no_crime(title, text):
    result = classify_crime(title, text)
    assert not result.is_crime
    assert result.categories == ()


def test_a_negation_spans_a_list_of_nouns_but_not_a_new_clause():
    """'geen wapens of drugs' denies both; 'niet thuis of ...' ends at the conjunction."""
    denied = classify_crime(
        "", "Bij de doorzoeking van de woning in Tiel werden geen wapens of drugs gevonden."
    )
    assert "drugs" not in denied.categories and "wapens_explosies" not in denied.categories
    found = classify_crime(
        "Hennepkwekerij in Tiel",
        "De bewoner was niet thuis of wilde niet opendoen; in de woning vond de politie een hennepkwekerij.",
    )
    assert "drugs" in found.categories


# -- heldout8 (40 blind texts, first run categories micro-F1 0.655): more offences in plain words ----


_HELDOUT8 = [
    (
        "Zakkenrollers op kermis in Tongeren opgepakt",
        "Op de kermis in Tongeren hebben twee mannen bezoekers hun portefeuille afhandig gemaakt. "
        "De politie hield hen vrijdagavond aan.",
        {"inbraak_diefstal"},
    ),
    (
        "Ruzie in snackbar in Goes",
        "Een 30-jarige man uit Goes heeft zaterdagnacht in een snackbar een andere klant met een fles op "
        "zijn hoofd geslagen. De politie hield hem aan.",
        {"geweld"},
    ),
    (
        "Boekhouder in Zwolle veroordeeld",
        "Een 49-jarige boekhouder uit Zwolle liet jarenlang facturen betalen van een leverancier die "
        "niet bestond. De rechtbank veroordeelde hem tot een jaar cel.",
        {"fraude_witwassen"},
    ),
    (
        "Jonge bestuurder moet rijbewijs inleveren",
        "Een 20-jarige man uit Urk reed zondagnacht met 170 kilometer per uur over de dijk, waar 80 is "
        "toegestaan. De politierechter legde hem een boete op.",
        {"verkeer"},
    ),
    (
        "Wethouder krijgt dreigende brief",
        "Een wethouder in Heerde heeft een dreigende brief ontvangen. De politie heeft een 44-jarige man "
        "aangehouden.",
        {"geweld"},
    ),
    (
        "Verpleger in Oudenaarde voor assisen",
        "Het hof van assisen veroordeelde een 50-jarige man die zijn moeder een dodelijke overdosis "
        "morfine toediende tot twintig jaar cel.",
        {"levensdelict"},
    ),
    (
        "Nachtwinkel in Ronse overvallen",
        "Twee gemaskerde mannen kwamen een nachtwinkel in Ronse binnen en eisten de dagopbrengst. De "
        "uitbater bleef ongedeerd.",
        {"overval"},
    ),
    (
        "Koeriers van vijftien in Deventer",
        "De rechtbank veroordeelde een 27-jarige man die twee jongens van vijftien dwong om voor hem "
        "pakketjes cocaïne rond te brengen in Deventer.",
        {"mensenhandel", "drugs"},
    ),
]


def test_demanding_money_online_is_extortion_not_robbery():
    result = classify_crime(
        "Sextortion via Snapchat",
        "Een 22-jarige man liet meisjes beelden sturen en eiste daarna geld. Hij is veroordeeld tot een jaar cel.",
    )
    assert "overval" not in result.categories


def test_a_traffic_light_is_no_fraud():
    """'stoplicht' holds the letters of 'oplicht' without being a compound of it."""
    result = classify_crime(
        "", "Bij het stoplicht in Meppel stapte de man uit en sloeg de ander in het gezicht."
    )
    assert "fraude_witwassen" not in result.categories


# -- heldout9 (40 blind texts, first run on classifier 5: categories micro-F1 0.928) ------------------


def test_a_novel_presented_in_the_headline_is_entertainment():
    result = classify_crime(
        "Nieuwe thriller speelt zich af in Hoorn: moord in de haven",
        "Schrijver Pieter Blom presenteert vrijdag zijn nieuwe thriller. In het boek wordt een visser "
        "vermoord en zoekt een rechercheur de dader, terwijl het dorp een fraude verzwijgt. 'Ik wilde een "
        "misdaadroman over mijn eigen stad,' zegt Blom. Het is zijn derde roman.",
    )
    assert not result.is_crime
    assert result.categories == ()


def test_an_actor_arrested_is_still_crime_news():
    result = classify_crime(
        "Acteur uit misdaadserie opgepakt na mishandeling in Utrecht",
        "Een 41-jarige acteur, bekend van een misdaadserie, is zaterdagnacht in Utrecht aangehouden na "
        "een mishandeling bij een café. Het slachtoffer liep een gebroken neus op.",
    )
    assert result.is_crime
    assert "geweld" in result.categories


_HELDOUT9 = [
    (
        "Man filmde vrouwen in kleedhokjes",
        "De politie heeft een 40-jarige man aangehouden voor het heimelijk filmen van vrouwen in de "
        "kleedhokjes van een sporthal in Dokkum.",
        {"zeden"},
    ),
    (
        "Bende zette minderjarigen in",
        "Het parket vordert zes jaar cel tegen een man die minderjarigen inzette om cocaïne te verkopen "
        "rond het station van Mechelen.",
        {"mensenhandel", "drugs"},
    ),
]


def test_lettuce_and_a_labour_court_dismissal_are_no_crime():
    result = classify_crime(
        "Arbeidsrechtbank: verkoopster ten onrechte ontslagen",
        "De arbeidsrechtbank oordeelt dat een bakkerij in Lier een verkoopster ten onrechte op staande "
        "voet ontsloeg omdat ze een zak sla meenam die zou worden weggegooid. Er was geen dringende "
        "reden; ze krijgt een opzegvergoeding.",
    )
    assert not result.is_crime
    assert "geweld" not in result.categories


# -- heldout10 (40 blind texts, first run on classifier 6: categories micro-F1 0.986, primary 0.923) -------


def test_a_death_after_a_stabbing_is_a_killing_first():
    result = classify_crime(
        "Vrouw (52) overleden na steekpartij in Deventer, zoon opgepakt",
        "Een 52-jarige vrouw is zondagavond in haar woning in Deventer om het leven gekomen. De politie "
        "hield haar 23-jarige zoon aan; hij wordt verdacht van doodslag.",
    )
    assert result.categories == ("levensdelict", "geweld")
    assert result.primary_category == "levensdelict"


def test_the_fraud_of_a_phishing_gang_is_what_its_computer_crime_is_for():
    result = classify_crime(
        "Oplichters met nepsms van de bank opgepakt in Roeselare",
        "De politie heeft in Roeselare drie mannen opgepakt die ouderen oplichtten met sms'jes uit naam "
        "van hun bank. Via een valse inlogpagina namen ze de rekeningen over en haalden die leeg.",
    )
    assert set(result.categories) == {"cybercrime", "fraude_witwassen"}
    assert result.primary_category == "cybercrime"


def test_fraud_without_a_computer_crime_stays_fraud():
    result = classify_crime(
        "Boekhouder verduisterde 200.000 euro bij stichting in Assen",
        "Een 47-jarige boekhouder heeft jarenlang geld van een stichting in Assen naar zijn eigen rekening "
        "overgemaakt. Hij is aangehouden voor verduistering en valsheid in geschrift.",
    )
    assert result.primary_category == "fraude_witwassen"


def test_paid_sex_a_trafficker_arranges_is_also_zeden():
    result = classify_crime(
        "Man die vrouwen tot sekswerk dwong krijgt vijf jaar cel",
        "De rechtbank in Almelo heeft een 29-jarige man veroordeeld voor mensenhandel. Hij liet twee "
        "vrouwen seks hebben met klanten in een hotel en hield het geld zelf.",
    )
    assert set(result.categories) == {"mensenhandel", "zeden"}
    assert result.primary_category == "mensenhandel"


def test_a_trial_whose_date_is_not_set_leaves_the_case_at_prosecution():
    result = classify_crime(
        "Raadkamer stuurt drie zaakvoerders naar de rechtbank voor uitbuiting",
        "De raadkamer in Tongeren heeft drie zaakvoerders doorverwezen naar de correctionele rechtbank "
        "voor mensenhandel. Een datum voor het proces is nog niet vastgelegd.",
    )
    assert result.stage == "vervolging"


# -- heldout11 (short reports) and heldout12 (long pieces), first runs on classifier 7 ---------------


def test_a_staged_robbery_for_a_crime_series_is_no_crime():
    result = classify_crime(
        "Overval op bank in Zwolle blijkt opname voor nieuwe politieserie",
        "Gemaskerde mannen met wapens renden dinsdag een bank in Zwolle binnen. Het waren opnames voor "
        "een politieserie van een streamingdienst; de regisseur had de buurt ingelicht.",
    )
    assert not result.is_crime


def test_an_exercise_of_the_emergency_services_is_no_crime():
    result = classify_crime(
        "Hulpdiensten oefenen aanslag op station in Hasselt",
        "Politie, brandweer en ziekenwagens hielden zaterdag een grote oefening op het station van "
        "Hasselt. Het scenario: een gijzeling met gewonden. Vrijwilligers speelden de slachtoffers.",
    )
    assert not result.is_crime


def test_an_explosion_with_a_technical_cause_is_no_crime():
    result = classify_crime(
        "Dode bij ontploffing in woning in Vlaardingen",
        "Bij een explosie in een woning in Vlaardingen is een man om het leven gekomen. Een defecte "
        "cv-ketel is volgens de brandweer de oorzaak; de politie doet nog onderzoek.",
    )
    assert not result.is_crime


def test_a_fire_that_spreads_and_arson_in_the_perfect():
    result = classify_crime(
        "Man verdacht van reeks autobranden in Schaerbeek",
        "Hij zou vijf auto's in brand hebben gestoken. Bij een van de branden sloeg het vuur over naar "
        "een gevel. De man is aangehouden.",
    )
    assert result.categories == ("openbare_orde",)


def test_a_camera_hidden_in_a_changing_room_is_zeden():
    result = classify_crime(
        "Badmeester verstopte camera in kleedkamer zwembad Leeuwarden",
        "De politie heeft een 45-jarige badmeester aangehouden die een minicamera verstopte in de "
        "damesdouche van het zwembad.",
    )
    assert result.categories == ("zeden",)


def test_club_money_moved_to_ones_own_account_is_fraud():
    result = classify_crime(
        "Werkstraf voor penningmeester na greep uit de kas",
        "De politierechter veroordeelde de penningmeester van een voetbalclub in Ermelo. Hij maakte "
        "12.000 euro over naar zijn eigen rekening.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_women_made_to_work_behind_the_windows_is_trafficking_and_zeden():
    result = classify_crime(
        "OM eist zes jaar tegen man die vrouwen achter de ramen liet werken",
        "Het OM eiste woensdag zes jaar cel tegen een man die drie vrouwen dwong om achter de ramen in "
        "Utrecht te werken.",
    )
    assert set(result.categories) == {"mensenhandel", "zeden"}


def test_the_source_of_laundered_money_adds_no_drugs():
    result = classify_crime(
        "Garagehouder riskeert drie jaar voor witwassen",
        "Het parket vordert drie jaar tegen een garagehouder uit Tielt die 800.000 euro witwaste. "
        "Volgens het parket wist hij dat het geld uit de cocaïnehandel kwam.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_a_widow_s_late_husband_is_no_death_in_a_robbery():
    result = classify_crime(
        "Weduwe vastgebonden bij woningoverval in Deinze",
        "Drie gemaskerde mannen drongen de woning binnen, bonden de vrouw vast en sloegen haar. Ze "
        "namen geld en de trouwring van haar overleden man mee. Er is nog niemand opgepakt.",
    )
    assert "levensdelict" not in result.categories
    assert result.stage == "incident"


def test_an_arrest_denied_after_the_noun_and_a_detention_hearing():
    result = classify_crime(
        "Explosie bij woning in Schiedam",
        "Bij een woning in Schiedam is vannacht een explosief ontploft. Aanhoudingen zijn nog niet verricht.",
    )
    assert result.stage == "incident"
    result = classify_crime(
        "Man onder aanhoudingsmandaat na steekpartij in Gent",
        "Een 30-jarige man is onder aanhoudingsmandaat geplaatst. Hij verschijnt binnen vijf dagen voor de "
        "raadkamer, die beslist of hij in voorhechtenis blijft.",
    )
    assert result.stage == "aanhouding"


def test_accounts_cracked_are_cybercrime():
    result = classify_crime(
        "Student kraakte e-mailaccounts van docenten in Delft",
        "Een 21-jarige student is aangehouden. Hij kraakte de accounts van twaalf docenten.",
    )
    assert "cybercrime" in result.categories


@pytest.mark.parametrize(
    ("title", "text", "categories"),
    [*_HELDOUT6, *_HELDOUT7, *_HELDOUT8, *_HELDOUT9],
)
def test_offences_in_other_common_words(title, text, categories):
    """Offences told without their obvious keyword, as each blind batch (heldout6 to heldout9)
    found the rules lacking; the sentences are our own, not the batch texts."""
    result = classify_crime(title, text)
    assert result.is_crime
    assert set(result.categories) == categories


# -- heldout13 (agency and press-release items) and heldout14 (follow-ups), first runs on classifier 8 ---


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "CBS: minder fietsendiefstallen, meer oplichting via internet",
            "Het aantal geregistreerde misdrijven is vorig jaar met 3 procent gedaald, meldt het Centraal "
            "Bureau voor de Statistiek. Woninginbraken en zakkenrollerij namen af, de aangiften van "
            "oplichting via nepwebwinkels namen toe.",
        ),
        (
            "Minister wil honderd extra rechercheurs tegen drugsbendes",
            "De minister van Justitie stelde in de kamercommissie een actieplan voor: honderd extra "
            "rechercheurs moeten drugsbendes en witwassen harder aanpakken. De oppositie vraagt waar het "
            "geld vandaan komt; de regering beslist in het voorjaar.",
        ),
        (
            "Gerenoveerd justitiepaleis opent de deuren",
            "Na vier jaar renovatiewerken kunnen bezoekers zondag de zittingszalen en de cellen zien waar "
            "aangehouden verdachten wachten. De Regie der Gebouwen betaalde de werken; tijdens de "
            "opendeurdag geven magistraten rondleidingen.",
        ),
    ],
)
def test_figures_plans_and_court_buildings_without_a_case_are_policy_news(title, text):
    assert not classify_crime(title, text).is_crime


def test_figures_beside_a_case_and_a_warning_about_a_wave_stay_crime_news():
    result = classify_crime(
        "Politie waarschuwt na babbeltruc bij vrouw (84) in Assen",
        "Een 84-jarige vrouw in Assen is dinsdag bestolen door een man die zich voordeed als "
        "meteropnemer. Volgens de politie is het aantal meldingen van babbeltrucs dit jaar met 20 "
        "procent gestegen; de cijfers van het CBS wijzen dezelfde kant op.",
    )
    assert result.is_crime
    result = classify_crime(
        "Politie waarschuwt voor golf van inbraken in Oss",
        "In Oss is de afgelopen week in twaalf woningen ingebroken. De politie waarschuwt bewoners hun "
        "ramen en deuren te sluiten.",
    )
    assert result.is_crime


def test_a_fatal_stabbing_in_the_headline_is_a_killing_first():
    result = classify_crime(
        "OM eist tien jaar voor dodelijke steekpartij in Almelo",
        "Het OM eiste dinsdag tien jaar cel tegen een 29-jarige man. Hij stak zijn buurman in de borst; "
        "die overleed ter plaatse. De officier houdt het op doodslag.",
    )
    assert result.primary_category == "levensdelict"
    assert set(result.categories) == {"levensdelict", "geweld"}


def test_theft_with_threats_is_robbery_and_its_loot_no_second_theft():
    result = classify_crime(
        "Twee mannen gedagvaard voor beroving van koerier in Assen",
        "Het OM vervolgt twee mannen voor diefstal met bedreiging. Ze hielden een koerier een mes voor "
        "en reden weg op zijn scooter. De gestolen scooter werd later in een sloot gevonden.",
    )
    assert result.categories == ("overval",)


def test_a_threat_to_set_fire_is_a_threat_not_arson():
    result = classify_crime(
        "Man die ex stalkte krijgt celstraf",
        "De rechtbank veroordeelde een 40-jarige man die zijn ex-vriendin maandenlang stalkte. In een "
        "bericht dreigde hij haar woning in brand te steken.",
    )
    assert result.categories == ("geweld",)


def test_a_riot_with_cars_set_on_fire_and_officers_hurt():
    result = classify_crime(
        "Onrustige nacht in Kuregem: agenten gewond",
        "Jongeren staken zaterdag twee geparkeerde auto's in brand, bekogelden de politie met stenen en "
        "sloegen de ruiten van een bushokje en een winkel in. Twee agenten raakten gewond. Tien personen "
        "werden aangehouden.",
    )
    assert set(result.categories) == {"openbare_orde", "geweld"}
    assert result.primary_category == "openbare_orde"


def test_slashed_tyres_are_vandalism_and_no_stabbing_even_beside_a_shooting():
    result = classify_crime(
        "Buurman schiet na ruzie over oprit",
        "De banden van zijn auto werden vorige week lek gestoken. Zondag loste de buurman twee schoten op "
        "hem en raakte hem in het been. De verdachte is aangehouden.",
    )
    assert "openbare_orde" in result.categories
    result = classify_crime(
        "Banden van tien auto's lek gestoken in Roeselare",
        "In een straat in Roeselare zijn vannacht de banden van tien auto's lek gestoken. De politie zoekt "
        "getuigen.",
    )
    assert result.categories == ("openbare_orde",)


def test_drugs_a_driver_had_used_are_no_drugs_offence():
    result = classify_crime(
        "Bestuurder die fietser doodreed krijgt rijverbod",
        "De politierechtbank veroordeelde een 30-jarige bestuurder die een fietser doodreed. Een bloedtest "
        "wees uit dat hij cocaïne en cannabis had gebruikt.",
    )
    assert result.categories == ("verkeer",)


def test_a_penalty_in_scare_quotes_from_traffickers_is_no_sentence():
    result = classify_crime(
        "Raadkamer verwijst vier verdachten van mensenhandel door",
        "De raadkamer heeft vier verdachten doorverwezen naar de correctionele rechtbank voor "
        "mensenhandel. Wie te weinig opbracht, kreeg een 'boete' die bij de schuld werd opgeteld.",
    )
    assert result.stage == "vervolging"


def test_an_appeal_judged_with_the_month_of_the_facts_in_the_sentence():
    result = classify_crime(
        "Ook in beroep rijverbod voor dronken bestuurder",
        "De correctionele rechtbank heeft in hoger beroep de straf bevestigd van een man die in september "
        "2024 dronken een fietsster aanreed.",
    )
    assert result.stage == "hoger_beroep"


def test_savings_taken_by_phishing_are_no_theft_and_a_training_is_no_phishing():
    result = classify_crime(
        "Vrouw verliest spaargeld na valse bank-sms: drie geldezels opgepakt",
        "Via een link in de sms kwam een 70-jarige vrouw op een nagemaakte inlogpagina. De oplichters "
        "maakten haar 30.000 euro afhandig. De onderzoeksrechter hield twee mannen aan voor witwassen en "
        "informaticabedrog.",
    )
    assert set(result.categories) == {"cybercrime", "fraude_witwassen"}
    assert result.primary_category == "cybercrime"
    result = classify_crime(
        "Student gedagvaard voor ransomware-aanval op gemeente",
        "Het OM heeft een 22-jarige student gedagvaard voor een ransomware-aanval op de gemeente Zwolle. "
        "De gemeente geeft haar personeel sindsdien een phishingtraining.",
    )
    assert result.categories == ("cybercrime",)


def test_pushed_to_the_ground_is_violence():
    result = classify_crime(
        "Celstraf voor man na ruzie met ex",
        "De rechtbank in Brugge veroordeelde een 41-jarige man tot een jaar cel, omdat hij zijn "
        "ex-vriendin op haar oprit tegen de grond duwde.",
    )
    assert "geweld" in result.categories


def test_a_memorial_twenty_years_after_a_killing_is_no_crime_news():
    result = classify_crime(
        "Twintig jaar na de dood van Sander: gedenksteen bij het dorpshuis",
        "Op de plek waar Sander in 2006 na een kermis werd doodgestoken, staat sinds zaterdag een "
        "gedenksteen. De dader werd destijds veroordeeld. Honderd mensen kwamen naar de onthulling.",
    )
    assert not result.is_crime


def test_what_such_attacks_are_often_about_adds_no_category():
    result = classify_crime(
        "Explosie bij woning in Schiedam",
        "Bij een woning in Schiedam is vannacht een explosief afgegaan. Volgens de politie gaat het bij "
        "dit soort aanslagen vaak om conflicten over drugs.",
    )
    assert result.categories == ("wapens_explosies",)


# -- heldout15 and heldout16 (shaped like the independent set), first runs on classifier 9 ----------


def test_a_flemish_crime_series_is_fiction():
    result = classify_crime(
        "Nieuwe misdaadreeks 'Nachtwacht' speelt zich af in Brugge",
        "Vanaf maandag loopt op Eén de fictiereeks 'Nachtwacht', een misdaadthriller in acht "
        "afleveringen. Een inspecteur onderzoekt de moord op een gids wiens lichaam in een rei wordt "
        "gevonden. Al snel stuit ze op drugssmokkel in de haven. Regisseur Ann Peeters draaide in de "
        "binnenstad.",
    )
    assert not result.is_crime


def test_injury_by_negligence_is_no_violence():
    result = classify_crime(
        "Bestuurder die fietser aanreed en doorreed meldt zich bij politie",
        "De bestuurder die dinsdag in Lier een fietser aanreed en doorreed, heeft zich gemeld bij de "
        "politie. Hij wordt verhoord als verdachte van vluchtmisdrijf en onopzettelijke slagen en "
        "verwondingen.",
    )
    assert result.categories == ("verkeer",)


def test_the_setting_of_a_shooting_adds_no_drugs():
    result = classify_crime(
        "Hof verhoogt straf voor schietpartij in Borgerhout",
        "Het hof van beroep verhoogde de straf voor een man die een rivaal in het been schoot. De "
        "feiten kaderden volgens het onderzoek in een conflict tussen twee groepen drugsdealers.",
    )
    assert set(result.categories) == {"geweld", "wapens_explosies"}


def test_brought_before_the_juvenile_judge_is_the_arrest_stage():
    result = classify_crime(
        "Twee tieners voor jeugdrechter na brandstichting in school",
        "Twee jongens van 14 en 15 jaar staken zaterdag een speeltuig in brand op de speelplaats van "
        "een school in Geel. Zondag werden ze voor de jeugdrechter gebracht.",
    )
    assert result.stage == "aanhouding"


def test_a_demand_made_with_the_month_of_the_riots_and_an_acquittal_asked_for():
    result = classify_crime(
        "Parket vraagt cel voor relschoppers",
        "Voor de correctionele rechtbank heeft het parket celstraffen tot twee jaar gevorderd tegen "
        "negen jongemannen die betrokken waren bij de rellen in Kuregem in april. Hun advocaten vragen "
        "de vrijspraak voor vier van hen.",
    )
    assert result.stage == "rechtszaak"


# -- heldout17 (half hard negatives) and heldout18 (category conventions), first runs on classifier 10 --


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Mechelen wil met veertig extra camera's inbraken en drugsoverlast terugdringen",
            "Het stadsbestuur trekt een miljoen euro uit voor een veiligheidsplan. Burgemeester Els Peeters "
            "wil vooral woninginbraken en drugsoverlast aanpakken. De oppositie vraagt meer blauw op straat.",
        ),
        (
            "Go Ahead berooft NEC in blessuretijd van de zege",
            "In de laatste minuut ontfutselde invaller Tim Bos de bal aan een verdediger en schoot raak. "
            "'Dat was diefstal', foeterde de trainer. De scheidsrechter liet het spel doorgaan.",
        ),
        (
            "Weggelopen kat Minoes na twee weken terecht in Balen",
            "Het baasje vreesde dat de kat gestolen was, omdat er in de buurt over dieven werd gepraat. "
            "Een wandelaar vond het dier in een schuur in Balen.",
        ),
        (
            "Zwaailichten in Gouda zijn nep: opnames nieuwe misdaadserie",
            "Agenten die een verdachte in de boeien slaan: het zijn opnames van de misdaadserie 'Sluis', "
            "over een ontvoering. De producent heeft de buurt ingelicht. De serie is volgend jaar te zien.",
        ),
    ],
)
def test_plans_sport_a_lost_pet_and_a_film_shoot_are_no_crime(title, text):
    assert not classify_crime(title, text).is_crime


def test_an_explosion_at_night_with_the_mayor_and_figures_stays_crime_news():
    result = classify_crime(
        "Explosief ontploft bij woning in Vlaardingen",
        "In de nacht van dinsdag op woensdag is bij een woning een explosief ontploft. De burgemeester "
        "sluit de woning, en de gemeente hangt extra camera's op: het aantal explosies in de stad is dit "
        "jaar met veertig procent gestegen.",
    )
    assert result.is_crime
    assert result.categories == ("wapens_explosies",)


def test_accounts_plundered_by_phishers_are_fraud_not_looting():
    result = classify_crime(
        "Phishingbende riskeert vijf jaar cel",
        "Slachtoffers kwamen via een sms op een nagemaakte website en gaven hun codes in. Daarna "
        "plunderde de bende hun rekeningen. Het OM vorderde vijf jaar cel.",
    )
    assert set(result.categories) == {"cybercrime", "fraude_witwassen"}


def test_drug_money_laundered_and_a_drug_debt_add_no_drugs():
    result = classify_crime(
        "Hof verhoogt straf autohandelaar die drugsgeld witwaste",
        "Het hof veroordeelde een 45-jarige autohandelaar die twee miljoen euro drugsgeld witwaste via "
        "contante verkopen.",
    )
    assert result.categories == ("fraude_witwassen",)
    result = classify_crime(
        "Vier verdachten van ontvoering om drugsschuld voor de rechter",
        "Vier mannen moeten zich verantwoorden voor de ontvoering van een 23-jarige man om een "
        "drugsschuld. Ze sloegen hem en hielden hem twee dagen vast.",
    )
    assert result.categories == ("geweld",)


# -- heldout19 (unusual hard negatives) and heldout20 (112-news), first runs on classifier 11 ------------


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Bank in Geel leert senioren valse bankberichten herkennen",
            "Een bank organiseert workshops over phishingberichten: deelnemers leren valse sms'jes "
            "herkennen. 'Er is geen concrete aanleiding', zegt de kantoorverantwoordelijke. De sessies "
            "waren meteen volzet.",
        ),
        (
            "Wie vermoordde de graaf? Moordquiz lokt veertig ploegen naar Tielt",
            "De jeugdbeweging organiseerde een moordquiz. Tussen de rondes kregen de ploegen aanwijzingen "
            "over de fictieve moord op de graaf. Leiding in kostuum speelde de verdachten.",
        ),
        (
            "Schepen veroordeeld tot een vat bier op carnavalsproces in Aalst",
            "Op het volksgericht van carnaval stond de schepen zondag terecht. De 'rechter' legde hem een "
            "vat bier op voor de hele zaal.",
        ),
    ],
)
def test_a_lesson_a_murder_quiz_and_a_carnival_trial_are_no_crime(title, text):
    assert not classify_crime(title, text).is_crime


def test_left_with_grazes_is_no_arrest():
    result = classify_crime(
        "Bejaard echtpaar vastgebonden bij woningoverval",
        "Drie mannen drongen de woning in Hoofddorp binnen en bonden het echtpaar vast. Het echtpaar "
        "hield er schaafwonden aan de polsen aan over. Er is nog niemand aangehouden.",
    )
    assert result.stage == "incident"


# -- heldout21 (plain words, abroad) and heldout22 (reported or mentioned), first runs on classifier 12 --


def test_a_bag_pulled_off_an_old_woman_is_street_robbery_and_a_citizens_arrest():
    result = classify_crime(
        "Man duwt vrouw (81) omver en rent weg met haar tas",
        "Een 81-jarige vrouw in Deventer viel op de grond toen een jongeman haar tas afpakte. Hij trok "
        "de tas van haar arm en rende weg. Voorbijgangers hielden hem vast tot de politie er was. De "
        "vrouw brak haar heup.",
    )
    assert set(result.categories) == {"overval", "geweld"}
    assert result.primary_category == "overval"
    assert result.stage == "aanhouding"


def test_goods_paid_for_and_never_delivered_is_fraud():
    result = classify_crime(
        "Man verkocht fietsen die nooit kwamen",
        "Een 40-jarige man uit Hasselt moet zich voor de rechter verantwoorden. Klanten betaalden "
        "vooraf, maar kregen nooit iets geleverd. Hij zette zelf valse reviews online.",
    )
    assert result.categories == ("fraude_witwassen",)
    assert result.stage == "vervolging"


def test_money_taken_for_sex_with_a_minor_is_trafficking_and_zeden():
    result = classify_crime(
        "Man liet zich betalen voor seks met meisje van 16",
        "Een 35-jarige man moet vijf jaar de gevangenis in. Hij bracht het meisje naar hotels, waar "
        "mannen betaalden om seks met haar te hebben.",
    )
    assert set(result.categories) == {"mensenhandel", "zeden"}
    assert result.stage == "vonnis"


def test_far_over_the_limit_through_a_village_is_a_traffic_offence():
    result = classify_crime(
        "Automobilist reed met 150 door de bebouwde kom van Gieten",
        "Een automobilist is zaterdagnacht met 150 kilometer per uur door het dorp gereden, waar hooguit "
        "50 mag. Hij moest zijn rijbewijs ter plekke inleveren.",
    )
    assert result.categories == ("verkeer",)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Melding van inbraak in Epe blijkt bewoner zonder sleutel",
            "Een buurvrouw zag een man via een raam een woning binnenklimmen en belde de politie. De "
            "vermeende inbreker bleek de bewoner zelf. Er is geen proces-verbaal opgemaakt.",
        ),
        (
            "Brand in schuur in Tielt niet aangestoken",
            "Omdat er in de streek enkele verdachte branden waren, werd eerst gevreesd voor een "
            "brandstichter. De brand in de schuur is niet aangestoken, zegt de brandweer. Er komt geen "
            "strafonderzoek.",
        ),
        (
            "Man dood aangetroffen in woning in Knokke: geen misdrijf",
            "In een appartement is het lichaam van een 70-jarige man gevonden. Het parket stelt na de "
            "autopsie dat hij een natuurlijke dood is gestorven.",
        ),
    ],
)
def test_a_suspicion_that_turned_out_wrong_is_no_crime(title, text):
    assert not classify_crime(title, text).is_crime


def test_drugs_not_found_suspected_or_of_an_earlier_case_add_no_drugs():
    result = classify_crime(
        "Wapens gevonden in garagebox in Lanaken",
        "Bij een huiszoeking vond de politie vier kalasjnikovs en handgranaten. De huurder is opgepakt. "
        "Drugs werden niet gevonden.",
    )
    assert result.categories == ("wapens_explosies",)
    result = classify_crime(
        "Portier mishandeld bij café in Deventer",
        "Twee mannen schopten een portier tegen het hoofd. De politie sluit niet uit dat drugsgebruik een "
        "rol speelde. De verdachte werd in 2019 veroordeeld voor handel in cocaïne.",
    )
    assert result.categories == ("geweld",)


def test_a_fire_set_is_arson_and_no_stabbing():
    result = classify_crime(
        "Brand in school in Geel aangestoken",
        "De brand die twee klaslokalen vernielde, is aangestoken, bevestigt het parket. Er zijn nog geen "
        "verdachten.",
    )
    assert result.categories == ("openbare_orde",)


# -- heldout23 and heldout24 (shaped like the independent set), first runs on classifier 13 ------------


def test_forced_into_a_car_at_knifepoint_is_kidnapping_not_robbery():
    result = classify_crime(
        "Man die ex in zijn auto dwong onder aanhoudingsmandaat",
        "Een 40-jarige man is onder aanhoudingsmandaat geplaatst voor de ontvoering van zijn ex-partner. "
        "Hij dwong haar onder bedreiging met een mes in zijn wagen.",
    )
    assert result.categories == ("geweld",)


def test_a_vat_carousel_is_fraud():
    result = classify_crime(
        "Parket vordert vier jaar voor btw-carrousel",
        "Het parket vorderde vier jaar cel tegen een zaakvoerder die met spookfirma's een btw-carrousel "
        "opzette.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_kicks_to_head_and_body_are_no_death():
    result = classify_crime(
        "Buschauffeur mishandeld in Zutphen",
        "Twee passagiers schopten een buschauffeur tegen zijn hoofd en lichaam. De politie hield twee "
        "jongens aan.",
    )
    assert result.categories == ("geweld",)


def test_the_shooting_of_a_flemish_crime_series_is_fiction():
    result = classify_crime(
        "Opnames van nieuwe misdaadreeks gestart in Brugge",
        "De opnames van een misdaadreeks over een overval op een geldtransport zijn begonnen. Een bende "
        "smokkelt cocaïne via de haven. 'Het verhaal is volledig verzonnen', zegt de regisseur. De "
        "tiendelige reeks is volgend jaar te zien.",
    )
    assert not result.is_crime


# -- heldout25 and heldout26 (shaped like the independent set), first runs on classifier 14 ------------


def test_a_stop_sign_ignored_is_a_traffic_offence_beside_the_theft():
    result = classify_crime(
        "Gestolen tractor onderschept bij Hengelo",
        "Agenten wilden de vrachtwagen met een gestolen tractor controleren, maar de bestuurder negeerde "
        "een stopteken. Na een achtervolging werd hij aangehouden.",
    )
    assert set(result.categories) == {"inbraak_diefstal", "verkeer"}


def test_a_collection_for_a_fund_that_does_not_exist_is_fraud():
    result = classify_crime(
        "Vrouw opgepakt voor nepcollecte in Zwolle",
        "De politie hield een vrouw aan die deur aan deur geld ophaalde voor een niet-bestaand fonds. De "
        "stichting op haar collectebus bestaat niet.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_money_put_into_property_is_no_stabbing():
    result = classify_crime(
        "Parket vordert drie jaar voor witwassen via autohandel",
        "Het parket vorderde drie jaar cel tegen een zaakvoerder die contant geld witwaste. Het geld werd "
        "onder meer in vastgoed gestoken.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_accounts_plundered_with_the_verb_last_are_no_looting():
    result = classify_crime(
        "Cel voor bende die via simswapping cryptorekeningen plunderde",
        "De rechtbank veroordeelde drie mannen die telefoonnummers van slachtoffers lieten overzetten en "
        "hun accounts overnamen.",
    )
    assert "openbare_orde" not in result.categories


def test_a_fire_set_at_a_door_is_arson():
    result = classify_crime(
        "Brand gesticht bij ingang van kerk in Ede",
        "Bij de ingang van een kerk is vannacht brand gesticht. Er is nog niemand aangehouden. De politie "
        "zoekt getuigen.",
    )
    assert result.categories == ("openbare_orde",)


def test_the_police_stopping_a_street_race_is_no_sentence():
    result = classify_crime(
        "Politie legt straatrace op industrieterrein stil",
        "Agenten legden de race stil en namen twaalf auto's in beslag. Negen bestuurders moesten hun "
        "rijbewijs inleveren.",
    )
    assert result.stage == "incident"


def test_an_earlier_conviction_told_with_al_eens_is_background():
    result = classify_crime(
        "OM eist cel tegen man die ex stalkte",
        "Het OM eiste tien maanden cel tegen een man die zijn ex-vriendin stalkte. De man, die eerder al "
        "eens werd veroordeeld voor winkeldiefstal, erkende de berichten.",
    )
    assert result.categories == ("geweld",)
    assert result.stage == "rechtszaak"


# -- heldout27 and heldout28 (a random week of coverage), first runs on classifier 15 -------------------


def test_a_town_whose_name_holds_a_crime_word_is_no_crime():
    result = classify_crime(
        "Moordrecht krijgt nieuwe fietsbrug over de Hollandse IJssel",
        "In Moordrecht opent zaterdag een nieuwe fietsbrug. De politie regelt het verkeer tijdens de "
        "opening; de brug vervangt een pontje.",
    )
    assert not result.is_crime
    result = classify_crime(
        "Woninginbraak In Assen, Dader Gevlucht",
        "Bij een woninginbraak in Assen is zondag geld buitgemaakt. De politie zoekt getuigen.",
    )
    assert result.categories == ("inbraak_diefstal",)


def test_deprivation_of_liberty_is_no_robbery():
    result = classify_crime(
        "Man die ex ontvoerde moet zich verantwoorden",
        "Het OM heeft een 33-jarige man gedagvaard voor ontvoering en wederrechtelijke vrijheidsberoving.",
    )
    assert result.categories == ("geweld",)


def test_a_threat_to_the_family_that_they_would_pay_for_it_is_no_fine():
    result = classify_crime(
        "Parket vordert acht jaar voor koppel dat vrouwen tot prostitutie dwong",
        "Het parket heeft acht jaar cel gevorderd. Wie weigerde, kreeg te horen dat de familie ervoor zou "
        "boeten.",
    )
    assert result.stage == "rechtszaak"


def test_an_arrest_with_the_particle_at_the_end_of_a_long_clause():
    result = classify_crime(
        "Bejaard echtpaar overvallen in Emmen",
        "Twee mannen bonden het echtpaar vast en eisten geld. Op basis van een kenteken hield de politie "
        "maandagmiddag in Hoogeveen twee mannen van 22 en 25 jaar aan.",
    )
    assert result.stage == "aanhouding"


def test_drugs_not_found_in_the_box_and_a_quarrel_on_a_roundabout():
    result = classify_crime(
        "Kalasjnikovs gevonden in garagebox",
        "De politie nam drie kalasjnikovs en een handgranaat in beslag. De huurder is opgepakt. Drugs "
        "werden in de box niet aangetroffen.",
    )
    assert result.categories == ("wapens_explosies",)
    result = classify_crime(
        "Taakstraf voor automobilist die fietser neersloeg na ruzie op rotonde",
        "De politierechter veroordeelde een 45-jarige automobilist die een fietser neersloeg.",
    )
    assert set(result.categories) == {"geweld", "verkeer"}


def test_what_the_defence_points_to_in_mitigation_is_no_offence_of_the_case():
    result = classify_crime(
        "Twintig jaar cel voor vrouw die haar man vergiftigde in Geluwe",
        "Het hof van assisen veroordeelde de vrouw voor de moord op haar man, die overleed nadat ze "
        "wekenlang gif door zijn eten had gemengd. Haar advocaat wees in zijn pleidooi op jarenlange "
        "mishandeling door het slachtoffer, maar de jury volgde dat niet.",
    )
    assert result.categories == ("levensdelict",)
    # A plea about the charge itself still names the charge.
    result = classify_crime(
        "OM eist cel tegen eigenaar van kapsalons",
        "De officier van justitie eiste een jaar cel. Zijn advocaat vraagt vrijspraak voor het witwassen.",
    )
    assert "fraude_witwassen" in result.categories


def test_cars_that_are_set_on_fire_with_the_verb_apart_are_arson_not_a_stabbing():
    result = classify_crime(
        "Weer auto's in brand in Arnhem",
        "Het is de vijfde keer sinds de zomer dat in de wijk auto's in brand worden gestoken. Volgens de "
        "politie gaat het om brandstichting.",
    )
    assert result.categories == ("openbare_orde",)


def test_a_man_killed_in_a_shooting_is_a_killing_with_a_firearm_not_a_beating():
    result = classify_crime(
        "Man doodgeschoten in Kuregem",
        "In Anderlecht is vannacht een man om het leven gekomen bij een schietpartij. Er is nog niemand "
        "opgepakt.",
    )
    assert set(result.categories) == {"levensdelict", "wapens_explosies"}


def test_a_crime_writer_presenting_her_new_novel_is_no_crime_news():
    result = classify_crime(
        "Schrijfster laat moord plaatsvinden in Orvelte in nieuwe thriller",
        "In haar nieuwe thriller laat de schrijfster een conservator dood aantreffen. Een rechercheur "
        "ontdekt dat het slachtoffer een vervalsing op het spoor was. Het boek werd gepresenteerd voor "
        "honderd lezers.",
    )
    assert not result.is_crime


def test_a_guest_who_had_too_much_to_drink_is_no_drunk_driver():
    result = classify_crime(
        "Werkstraf voor portier die cafébezoeker bewusteloos sloeg",
        "De correctionele rechtbank veroordeelde de portier voor slagen en verwondingen. Hij weigerde de "
        "man de toegang omdat die te veel gedronken had, en werkte hem met een vuistslag tegen de grond.",
    )
    assert result.categories == ("geweld",)
    result = classify_crime(
        "Automobilist aangehouden in Zwolle",
        "De politie hield een automobilist aan die veel te veel gedronken had. Zijn rijbewijs is ingevorderd.",
    )
    assert "verkeer" in result.categories


def test_injuries_in_similar_incidents_elsewhere_make_no_riot_violent():
    result = classify_crime(
        "Celstraffen voor relschoppers die winkels plunderden",
        "De rechtbank veroordeelde zes relschoppers die winkels plunderden en bushokjes vernielden. Er "
        "vielen geen gewonden. Bij gelijkaardige incidenten dezelfde avond in Antwerpen raakten twee "
        "agenten lichtgewond.",
    )
    assert result.categories == ("openbare_orde",)


def test_pupils_playing_a_trial_about_a_made_up_burglary_is_no_crime_news():
    result = classify_crime(
        "Scholieren in Zwolle spelen rechtszaak na met echte rechter",
        "Onder begeleiding van een rechter en een officier van justitie speelden leerlingen een strafzaak "
        "na over een verzonnen inbraak in een sporthal. De helft van de klas was verdachte of getuige.",
    )
    assert not result.is_crime


def test_a_bag_snatched_from_an_old_woman_in_plain_words_is_a_street_robbery():
    result = classify_crime(
        "Celstraf voor man die vrouw omverduwde en haar tas griste",
        "De rechtbank veroordeelde de man tot acht maanden cel. Hij duwde de vrouw tegen de grond en ging "
        "er met haar handtas vandoor. Ze brak haar pols.",
    )
    assert result.primary_category == "overval"


def test_a_husband_who_died_of_rat_poison_in_his_soup_was_killed():
    result = classify_crime(
        "Vrouw moet naar assisen voor dood van haar man",
        "De raadkamer heeft de vrouw doorverwezen naar het hof van assisen. Ze zou maandenlang rattengif "
        "door zijn soep hebben gedaan, tot hij overleed.",
    )
    assert result.categories == ("levensdelict",)


def test_something_that_went_off_at_a_front_door_is_an_explosive_attack():
    result = classify_crime(
        "Twee tieners opgepakt nadat er iets ontplofte bij voordeur in Schiedam",
        "Bij een woning is vannacht iets ontploft bij de voordeur. Agenten hielden twee jongens aan.",
    )
    assert result.categories == ("wapens_explosies",)


def test_a_treasurer_who_put_the_club_money_in_his_own_pocket_committed_fraud():
    result = classify_crime(
        "Hof: penningmeester die clubkas in eigen zak stak, moet de cel in",
        "Het gerechtshof veroordeelde de oud-penningmeester tot vier maanden cel. Het OM was in hoger "
        "beroep gegaan.",
    )
    assert result.categories == ("fraude_witwassen",)


def test_a_gas_bottle_that_exploded_in_a_house_or_carbon_monoxide_is_no_attack_or_killing():
    result = classify_crime(
        "Gasfles ontploft in woning in Meppel",
        "In een woning in Meppel is een gasfles ontploft. De bewoner overleed aan een "
        "koolmonoxidevergiftiging. De brandweer onderzoekt de oorzaak.",
    )
    assert not result.is_crime and result.categories == ()


def test_threats_that_kept_trafficked_women_working_are_the_trafficking_not_violence():
    result = classify_crime(
        "Zes jaar cel voor man die vrouwen tot prostitutie dwong",
        "Het hof veroordeelde de man voor mensenhandel. Hij dwong drie vrouwen tot prostitutie in hotels. "
        "De vrouwen werden afhankelijk gemaakt en daarna bedreigd.",
    )
    assert set(result.categories) == {"mensenhandel", "zeden"}
    result = classify_crime(
        "Zes jaar cel voor man die vrouwen tot prostitutie dwong",
        "Het hof veroordeelde de man voor mensenhandel. Hij dwong drie vrouwen tot prostitutie in hotels. "
        "Wie weigerde, werd mishandeld.",
    )
    assert "geweld" in result.categories


def test_a_trial_the_suspects_await_has_not_been_held_and_raising_the_alarm_is_no_blow():
    result = classify_crime(
        "Broers gedagvaard voor drugslab in loods",
        "Het OM heeft twee broers gedagvaard voor een drugslab. De politie viel binnen nadat een boswachter "
        "alarm had geslagen. De broers wachten het proces in vrijheid af.",
    )
    assert result.stage == "vervolging"
    assert result.categories == ("drugs",)


def test_a_fire_that_broke_out_is_no_broken_bone():
    result = classify_crime(
        "Twee tieners moeten zich verantwoorden voor brand in gymzaal",
        "Twee jongens moeten zich verantwoorden voor het in brand steken van een gymzaal. De brand brak in "
        "oktober uit en verwoestte de zaal.",
    )
    assert result.categories == ("openbare_orde",)


def test_a_driver_who_reported_to_the_police_with_his_lawyer_a_day_later_was_arrested():
    result = classify_crime(
        "Bestuurder meldt zich na dodelijk vluchtmisdrijf in Zonhoven",
        "Een 45-jarige man heeft zich zondagochtend samen met zijn advocaat bij de politie gemeld, een dag "
        "na het vluchtmisdrijf waarbij een fietser om het leven kwam.",
    )
    assert result.stage == "aanhouding"


def test_money_that_he_washed_white_through_a_car_dealer_was_laundered():
    result = classify_crime(
        "Havenarbeider krijgt acht jaar cel voor uithalen van cocaïne",
        "De rechtbank veroordeelde de havenarbeider voor de invoer van cocaïne. Dat geld waste hij wit via "
        "een autohandel van een kennis.",
    )
    assert set(result.categories) == {"drugs", "fraude_witwassen"}


def test_a_driving_ban_among_the_penalties_does_not_make_road_rage_with_blows_a_traffic_story():
    result = classify_crime(
        "Werkstraf voor automobilist die andere bestuurder sloeg na verkeersruzie in Leusden",
        "De politierechter veroordeelde de automobilist tot een werkstraf en een voorwaardelijke "
        "rijontzegging. Hij sneed de man af en sloeg hem door het open raam in het gezicht.",
    )
    assert result.primary_category == "geweld"
    assert set(result.categories) == {"geweld", "verkeer"}


def test_filming_a_police_series_on_the_market_square_is_no_crime_news():
    result = classify_crime(
        "Opnames nieuwe politiereeks leggen Grote Markt stil",
        "Combi's met zwaailichten en een gijzeling in een juwelierszaak: het ging om opnames voor een "
        "nieuwe politiereeks die volgend jaar op televisie komt. In de reeks jaagt een team op een bende die "
        "juweliers overvalt. Voor de gespeelde schietpartij werden losse flodders gebruikt.",
    )
    assert not result.is_crime
