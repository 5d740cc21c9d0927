"""The seed protocol 2024_VB_00591 between OCMW Gent and Woonmaatschappij Thuispunt
Gent, as decided by the Vast Bureau on 19 September 2024 (../shared/seed/).

Facts are taken from the published decision and protocol. Where the seed leaves
something open, the choice is written next to it.
"""

from datetime import date


def _p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _ul(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


OCMW_GENT = {
    "name": "Openbaar Centrum voor Maatschappelijk Welzijn Gent",
    "short_name": "OCMW Gent",
    "kind": "ocmw",
    "enterprise_number": "0212.214.125",
    "street_address": "Onderbergen 86",
    "postal_code": "9000",
    "city": "Gent",
    "website": "https://stad.gent",
    "dpo_name": "Functionaris voor gegevensbescherming OCMW Gent",
    "protocol_publication_url": (
        "https://stad.gent/nl/over-gent-en-het-stadsbestuur/juridische-info/"
        "met-respect-voor-je-privacy/protocollen-en-machtigingen"
    ),
}

THUISPUNT_GENT = {
    "name": "Woonmaatschappij Thuispunt Gent",
    "short_name": "Thuispunt Gent",
    "kind": "housing_company",
    "enterprise_number": "BE 0400.032.156",
    "street_address": "Lange Steenstraat 54",
    "postal_code": "9000",
    "city": "Gent",
    "dpo_name": "Functionaris voor gegevensbescherming Thuispunt Gent",
}

MOTIVATION = """In 2024 heeft de Vlaamse Regering het Centraal Inschrijvingsregister (CIR) voor kandidaat-huurders van sociale woningen ingevoerd. Thuispunt Gent heeft al zijn dossiers van kandidaat-huurders opgeladen in dit register. Het register stelt kandidaat-huurders in staat om hun inschrijving online te starten, te bekijken of aan te passen. Met de invoering van het CIR moet elke kandidaat-huurder zijn/haar dossier digitaal valideren en eventueel aanpassen.

OCMW Gent wil de dak- en thuislozen ondersteunen om ervoor te zorgen dat ze hun plaats op de wachtlijst behouden. Hiervoor willen ze een overzicht verkrijgen van alle dak- en thuisloze OCMW Gent cliënten die hun dossier in het CIR nog niet bevestigd hebben, zodat ze al het nodige kunnen doen om tijdig de cliënt te contacteren en de nodige ondersteuning te bieden.

In overeenstemming met artikel 8 van het Decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer vereist elke uitwisseling tussen Vlaamse instanties of naar een externe overheid een protocol.

Op 25 februari 2019 verleende de raad voor maatschappelijk welzijn delegatie aan het vast bureau om dergelijke protocollen goed te keuren (2019_GRMW_00120).

Om in regel te zijn met de wettelijke bepalingen rond informatieveiligheid en gegevensbescherming, zoals voorgeschreven in artikel 8 van het Decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer, dient er een protocol gesloten te worden met woonmaatschappij Thuispunt Gent waarin de regels en modaliteiten voor de doorgifte van persoonsgegevens bepaald worden.

Bijgevolg wordt aan het vast bureau gevraagd het protocol met woonmaatschappij Thuispunt Gent, Lange Steenstraat 54, 9000 Gent, goed te keuren."""

ADVICES = """Deze beslissing wordt genomen rekening houdend met volgende adviezen:

Functionaris voor gegevensbescherming OCMW Gent - gunstig advies

Functionaris voor gegevensbescherming Thuispunt Gent - gunstig advies"""

ATTACHMENTS = (
    "Protocol eenmalige actualisatie CIR_Thuispunt Gent_OCMW Gent.pdf "
    "(deel van de beslissing)"
)

LEGAL_FRAMEWORK = """De volgende bepalingen zijn van toepassing inzake de bevoegdheid:
Het Decreet over het lokaal bestuur van 22 december 2017, artikel 84, §2;
Het besluit van de gemeenteraad en de raad voor maatschappelijk welzijn van 25 februari 2019 betreffende het kader voor de uitwisseling van persoonsgegevens, en delegatie aan het college en het vast bureau (2019_GRMW_00120).

De beslissing wordt genomen op grond van:
Het Decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer, art. 8."""

DECISION_TEXT = """Beslist het volgende:

Artikel 1:

Keurt goed het bij dit besluit gevoegde protocol voor de mededeling van persoonsgegevens van woonmaatschappij Thuispunt Gent, Lange Steenstraat 54, 9000 Gent naar OCMW Gent in het kader van de eenmalige actualisatie van kandidatendossiers in het Centraal Inschrijvingsregister."""

DECISION = {
    "reference": "2024_VB_00591",
    "title": (
        "Protocol voor de mededeling van persoonsgegevens in het kader van de "
        "eenmalige actualisatie van kandidatendossiers in het Centraal "
        "Inschrijvingsregister - Goedkeuring"
    ),
    "governing_body": "vast_bureau",
    "meeting_date": date(2024, 9, 19),
    "session": "closed",
    "outcome": "approved",
    "members_present": "\n".join(
        [
            "Mathias De Clercq, burgemeester-voorzitter",
            "Filip Watteeuw, schepen",
            "Sofie Bracke, schepen",
            "Tine Heyse, schepen",
            "Astrid De Bruycker, schepen",
            "Sami Souguir, schepen",
            "Bram Van Braeckevelt, schepen",
            "Isabelle Heyndrickx, schepen",
            "Hafsa El-Bazioui, schepen",
            "Evita Willaert, schepen",
            "Rudy Coddens, schepen",
            "Mieke Hullebroeck, algemeen directeur",
            "Liesbet Vertriest, waarnemend adjunct-algemeendirecteur",
        ]
    ),
    "competent_member": "Mathias De Clercq",
    "involved_members": "Tine Heyse\nRudy Coddens",
    "legal_framework": LEGAL_FRAMEWORK,
    "motivation": MOTIVATION,
    "advices_text": ADVICES,
    "decision_text": DECISION_TEXT,
    "attachments_text": ATTACHMENTS,
    # The seed gives the day of the session, not its hour: meeting_start_time
    # stays empty.
    # The seed gives no address of the decision in the official publication; the
    # field stays empty rather than pointing somewhere invented.
    "publication_url": "",
}

PARTIES = [
    {
        "organisation": "0212214125",
        "role": "recipient",
        "representative": "Mathias De Clercq en Mieke Hullebroeck",
        "representative_title": "voorzitter van het vast bureau en algemeen directeur",
        "mandate": (
            "Vertegenwoordigd door het vast bureau, in uitvoering van het besluit van "
            "het vast bureau. Administratieve zetel: Onderbergen 86, 9000 Gent. "
            "Hierna: \u201cOCMW Gent\u201d."
        ),
    },
    {
        "organisation": "0400032156",
        "role": "sender",
        "representative": "Diederick Vandekerckhove",
        "representative_title": "waarnemend algemeen directeur",
        "mandate": (
            "In uitvoering van het mandaat verleend door de raad van bestuur van "
            "02/07/2024. Administratieve zetel: Lange Steenstraat 54, 9000 Gent. "
            "Hierna: \u201cThuispunt Gent\u201d."
        ),
    },
]

# The protocol's own words, exactly as the seed writes them (typos, capitals and
# unclosed brackets included): the published protocol is the approved text, word
# for word. Only the layout of the text file becomes HTML: its paragraphs, lists
# ("- ", nested "o"), bold ("**") and link. tests/protocols_registry/test_verbatim.py
# compares the page with the seed text.

RECITALS = (
    "<p>In het kader van</p><ul><li>de eenmalige actualisatie van "
    "kandidaten-dossiers van kandidaat-huurders van woonmaatschappij Thuispunt "
    "Gent met een referentieadres bij OCMW Gent</li></ul><p>Dit protocol wordt "
    "gesloten conform artikel 8, §1, van het decreet van 18 juli 2008 betreffende "
    "het elektronische bestuurlijke gegevensverkeer.</p><ul><li>A. <b>THUISPUNT "
    "GENT</b> is een autonome vennootschap, omschreven in hoofdstuk 3 van de "
    "Vlaamse Codex Wonen 2021, erkend door de Vlaamse Regering en verantwoordelijk "
    "voor de behoorlijke uitvoering van het sociale woonbeleid, zoals dat haar "
    "wordt opgedragen door de Vlaamse Codex Wonen 2021 en zijn "
    "uitvoeringsbesluiten, en door elk ander decreet of besluit, voor zover dat "
    "betrekking heeft op aspecten van het sociale woonbeleid.</li><li>B. <b>OCMW "
    "Gent</b> is een openbaar centrum voor maatschappelijk welzijn waarvan de "
    "werking is vastgelegd in het Decreet van 22 december 2017 over het lokaal "
    "bestuur en de Organieke Wet van 8 juli 1976 betreffende de openbare centra "
    "voor maatschappelijk welzijn;</li><li>C. <b>OCMW Gent</b> neemt een aantal "
    "maatregelen om kwetsbare Gentenaars te ondersteunen in het huren en wonen die "
    "bijdragen aan de strijd tegen armoede en dakloosheid. Artikel 57, §1 van de "
    "Organieke Wet van 8 juli 1976 betreffende de Openbare Centra voor "
    "Maatschappelijk Welzijn (OCMW-wet) bepaalt dat het OCMW tot taak heeft om aan "
    "personen en gezinnen de dienstverlening te verzekeren waartoe de gemeenschap "
    "gehouden is; het verzekert niet alleen lenigende of curatieve doch ook "
    "preventieve hulp; deze dienstverlening kan van materiële, sociale, "
    "geneeskundige, sociaal geneeskundige of psychologische aard zijn. OCMW Gent "
    "kan, na het voeren van een onderzoek, aan dak – of thuisloze personen een "
    "referentieadres toekennen op het adres gelegen te Onderbergen 86, 9000 "
    "Gent.</li><li>OCMW Gent wenst gegevens te ontvangen van kandidaat-huurders "
    "van Thuispunt Gent, ingeschreven in het Centraal Inschrijvingsregister "
    "(hierna CIR genoemd) met referentieadres bij OCMW Gent te Onderbergen 86, "
    "9000 Gent die worden aangeschreven door Thuispunt Gent in het kader van de "
    "actualisatie van kandidatendossiers in CIR. Thuispunt Gent beschikt over deze "
    "gegevens.</li></ul><p>Thuispunt Gent is een woonmaatschappij en werkt samen "
    "met OCMW Gent voor volgende doeleinden:</p><ul><li>Het informeren van OCMW "
    "Gent over kandidaat-huurders, ingeschreven via CIR met referentieadres bij "
    "OCMW Gent, Onderbergen 86, 9000 Gent, opdat OCMW Gent deze "
    "kandidaat-huurders, die tevens ook OCMW – cliënten zijn, kan contacteren en "
    "begeleiden om het nodige te doen en een mogelijke schrapping als "
    "kandidaat-huurder uit CIR te vermijden.</li></ul><p>Bij deze samenwerking is "
    "er een uitwisseling van persoonsgegevens waarvoor een protocol noodzakelijk "
    "is tussen OCMW Gent en Thuispunt Gent, dewelke het voorwerp is van dit "
    "protocol.</p>"
)

DATA_FLOW = (
    "<ul><li>In 2024 heeft de Vlaamse Regering het CIR voor kandidaat-huurders van "
    "sociale woningen ingevoerd. Thuispunt Gent heeft al zijn dossiers van "
    "kandidaat-huurders opgeladen in dit register. Het register stelt "
    "kandidaat-huurders in staat om hun inschrijving online te starten, te "
    "bekijken of aan te passen. Met de invoering van het CIR moet elke "
    "kandidaat-huurder zijn/haar dossier digitaal valideren en eventueel "
    "aanpassen.</li><li>Thuispunt Gent zal een afschrift van het "
    "inschrijvingsdossier per brief sturen naar iedere kandidaat-huurder. De "
    "kandidaat-huurder bevestigt binnen dertig dagen vanaf de postdatum van de "
    "brief dat hij ingeschreven wil blijven in het centraal inschrijvingsregister, "
    "en dat zijn gegevens correct en volledig zijn.</li><li>Als de "
    "kandidaat-huurder niet binnen de termijn reageert, verzendt Thuispunt Gent "
    "een herinneringsbrief, waarin hij meedeelt dat de kandidaat-huurder wordt "
    "geschrapt als hij niet reageert binnen vijftien dagen vanaf de postdatum van "
    "die herinneringsbrief.</li><li>OCMW Gent ondersteunt burgers die niet "
    "beschikken over een eigen woongelegenheden, niet de middelen heeft om daar op "
    "eigen kracht voor te zorgen en daardoor geen verblijfplaats hebben. OCMW Gent "
    "zal deze dak- en thuisloze burgers ondersteunen en ook zorgen voor een "
    "referentieadres zodat ze met hulp van OCMW GENT aanspraak kunnen maken op "
    "alle rechten en voordelen.</li><li>De dak- en thuislozen met referentieadres "
    "OCMW Gent, Onderbergen 86, 9000 Gent, worden geacht hun briefwisseling op "
    "regelmatige tijdstippen op te halen bij OCMW Gent.</li><li>Thuispunt Gent "
    "heeft een actueel overzicht van alle kandidaat-huurders die in het CIR hun "
    "inschrijving herbevestigd hebben.</li><li>Gezien de korte vastgelegde "
    "bevestigingstermijn is het waarschijnlijk dat de dak- en thuislozen als meest "
    "kwetsbare en moeilijk bereikbare OCMW cliënten niet tijdig de herbevestiging "
    "zullen uitvoeren waardoor ze hun plaats op de wachtlijst voor een sociale "
    "huurwoning zullen verliezen.</li><li>OCMW Gent wil de dak- en thuislozen "
    "ondersteunen om ervoor te zorgen dat ze hun plaats op de wachtlijst behouden. "
    "Hiervoor willen ze een overzicht verkrijgen van alle dak- en thuisloze OCMW "
    "Gent cliënten die hun dossier in het CIR nog niet bevestigd hebben, zodat ze "
    "al het nodige kunnen doen om tijdig de cliënt te contacteren en de nodige "
    "ondersteuning te bieden.</li><li>Thuispunt Gent informeert OCMW Gent aan "
    "welke kandidaat-huurders met referentieadres Onderbergen 86, 9000 Gent een "
    "uitnodigingsbrief tot actualisatie werd verstuurd en "
    "wanneer.</li><li>Thuispunt Gent informeert OCMW Gent aan welke "
    "kandidaat-huurders met referentieadres Onderbergen 86, 9000 Gent een "
    "herinneringsbrief werd verstuurd en wanneer.</li><li>Om een proactieve en "
    "gepaste ondersteuning aan de kandidaat-huurder mogelijk te maken, vermeldt "
    "Thuispunt Gent welke gegevens ontbreken of onvolledig zijn in het "
    "kandidaten-dossier van de aangeschreven kandidaat-huurder om de kandidatuur "
    "in het CIR te vervolledigen, te actualiseren en te behouden.</li></ul><p>De "
    "uitwisseling van bovenstaande gegevens van Thuispunt Gent naar OCMW Gent "
    "wordt bewaakt door volgend uitwisselingsproces.</p>"
)

EXCHANGE_STEPS = [
    "Thuispunt Gent versleutelt de opgemaakte lijst met een zelfgekozen wachtwoord.",
    "Thuispunt Gent stuurt de versleutelde lijst via e-mail naar OCMW Gent.",
    "Thuispunt Gent deelt het wachtwoord van de versleutelde lijst via een ander communicatiekanaal naar de verantwoordelijke OCMW Gent medewerker (bv sms).",
    "OCMW Gent ontsleutelt de ontvangen lijst en bewaart die op een intern beveiligde locatie (lokale netwerkschijven).",
    "OCMW Gent verwijdert expliciet de e-mail met de versleutelde lijst en het wachtwoord. Het wachtwoord wordt nergens bewaard.",
]

EXCHANGE_NOTE = (
    "<p>Aangezien het delen via e-mail een beveiligingsrisico inhoudt, wordt door "
    "OCMW Gent in de nabije toekomst het gebruik van een beveiligd "
    "gegevensuitwisselingsplatform uitgewerkt. Van zodra dit beveiligd "
    "gegevensuitwisselingsplatform in gebruik is genomen, zullen alle "
    "uitwisselingen via dit platform verlopen.</p>"
)

RECITALS_CONTINUED = (
    "<ul><li>D. De partijen wensen overeenkomstig artikel 8, §1, van het decreet "
    "van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer "
    "een protocol te sluiten met betrekking tot de elektronische mededeling van "
    "persoonsgegevens. Dat protocol wordt bekendgemaakt op de website van beide "
    "partijen.</li><li>F. De functionaris voor gegevensbescherming van Thuispunt "
    "Gent heeft op 09/09/2024 advies met betrekking tot een ontwerp van dit "
    "protocol gegeven.</li><li>G. De functionaris voor gegevensbescherming van "
    "OCMW GENT heeft op 12/09/2024 advies met betrekking tot een ontwerp van dit "
    "protocol gegeven.</li></ul>"
)

SUBJECT = (
    "<p>In dit protocol worden de voorwaarden en modaliteiten van de elektronische "
    "mededeling van de persoonsgegevens zoals omschreven in artikel 3 tussen "
    "woonmaatschappij <b>Thuispunt Gent</b> aan <b>OCMW Gent</b> uiteengezet en "
    "vice versa.</p>"
)

RECIPIENTS = (
    "<p>De partijen zullen de meegedeelde persoonsgegevens in het kader van de in "
    "artikel 2, 2°, vooropgestelde finaliteiten kunnen meedelen aan volgende "
    "categorie(ën) van ontvangers:</p><ul><li>Volgende diensten van OCMW Gent "
    "zullen toegang hebben tot de gevraagde "
    "persoonsgegevens:<ul><li>Hoofdmaatschappelijk en maatschappelijk werkers van "
    "de Welzijnsbureaus en Dienst Thuislozenzorg</li><li>Administratief "
    "medewerkers</li></ul></li></ul><p>Enkel personen die omwille van hun "
    "functieprofiel deze informatie nodig hebben voor de uitvoering van hun werk, "
    "krijgen toegang tot de informatie.</p><p>Elke eventuele mededeling van de "
    "gevraagde persoonsgegevens door één van de partijen moet voorafgaandelijk "
    "door elke andere partij worden goedgekeurd en moet uiteraard in "
    "overeenstemming zijn met de relevante wet- en regelgeving inzake de "
    "bescherming van natuurlijke personen bij de verwerking van persoonsgegevens. "
    "Dat betekent onder meer dat de partijen waar vereist een protocol sluiten "
    "voor de mededeling van de gevraagde gegevens.</p>"
)

PERIODICITY_NOTE = (
    "<p>De persoonsgegevens worden éénmalig opgevraagd omwille van de urgentie wat "
    "betreft de actualisatie en validatie van kandidatendossiers van "
    "kandidaat-huurders en de beperkte termijn waarbinnen de verplichte "
    "actualisatie en validatie dient te gebeuren. Indien een persoon geen "
    "(kandidaat)huurder is bij Thuispunt Gent, noch gekend is als cliënt bij OCMW "
    "Gent, dan zullen deze gegevens verwijderd worden.</p><p>De mededeling van de "
    "persoonsgegevens gebeurt voor BEPAALDE DUUR gezien het besluit van de Vlaamse "
    "Regering tot uitvoering van de Vlaamse Codex Wonen van 2021 alsook de taak "
    "van algemeen belang waarmee het OCMW belast is ingevolge de OCMW-wet.</p>"
)

QUALITY = (
    "<p>Zodra OCMW Gent of Thuispunt Gent meerdere foutieve, onnauwkeurige, "
    "onvolledige, ontbrekende, verouderde of overtollige gegevens in de "
    "persoonsgegevens, vermeld in artikel 3, vaststelt (al dan niet op basis van "
    "een mededeling van de betrokkene, meldt zij dat onmiddellijk aan de andere "
    "partij die na onderzoek binnen 1 maand van de voornoemde vaststellingen de "
    "gepaste maatregelen binnen 1 maand treffen en de andere partij daarvan "
    "vervolgens op de hoogte brengt.</p>"
)

SANCTIONS = (
    "<p>Onverminderd haar recht om een schadevergoeding te vorderen en in "
    "afwijking van artikel 5, 2°, kan een partij dit protocol middels eenvoudige "
    "kennisgeving en zonder voorafgaandelijke ingebrekestelling eenzijdig "
    "beëindigen indien de andere partij deze persoonsgegevens verwerkt in strijd "
    "met hetgeen bepaald is in dit protocol, met de algemene verordening "
    "gegevensbescherming of met andere relevante wet- of regelgeving inzake de "
    "bescherming van natuurlijke personen bij de verwerking van "
    "persoonsgegevens.</p><p>Er wordt geen aparte regeling rond aansprakelijkheid "
    "vastgelegd in huidig protocol. De bepalingen van art.82 AVG zijn van "
    "toepassing.</p>"
)

NOTIFICATION_DUTIES = (
    "<p>Partijen engageren zich in het licht van artikel 33 van de algemene "
    "verordening gegevensbescherming om elkaar [via de functionarissen voor "
    "gegevensbescherming] zonder onredelijke vertraging op de hoogte te stellen "
    "van elk gegevenslek dat zich voordoet betreffende de meegedeelde gegevens met "
    "impact op beide partijen en in voorkomend geval onmiddellijk gezamenlijk te "
    "overleggen teneinde alle maatregelen te nemen om de gevolgen van het "
    "gegevenslek te beperken en te herstellen. De partijen verschaffen elkaar alle "
    "informatie die ze nuttig of nodig achten om de beveiligingsmaatregelen te "
    "optimaliseren.</p><p>De partijen zullen, met het oog op de melding van de "
    "inbreuk aan de bevoegde toezichthoudende autoriteit en aan de betrokkene, de "
    "volgende gegevens aan elkaar meedelen:</p><ul><li>I. De aard van de inbreuk, "
    "waar mogelijk onder vermelding van de categorieën van betrokkenen en "
    "persoonsgegevensregisters in kwestie en bij benadering, het aantal "
    "betrokkenen en persoonsgegevensregisters in kwestie;</li><li>II. De "
    "waarschijnlijke gevolgen van de inbreuk in verband met de "
    "persoonsgegevens;</li></ul><p>De maatregelen die werden genomen of kunnen "
    "worden genomen om de inbreuk in verband met de persoonsgegevens aan te "
    "pakken, waaronder, in voorkomend geval, de maatregelen ter beperking van de "
    "eventuele nadelige gevolgen daarvan;</p><p>De partijen brengen elkaar "
    "onmiddellijk op de hoogte van wijzigingen van wetgeving met impact op "
    "voorliggend protocol, zoals de finaliteit, proportionaliteit, frequentie, "
    "duurtijd enz. en in voorkomend geval van wijzigingen omtrent de "
    "verwerkers.</p>"
)

TRANSPARENCY = (
    "<p>Dit protocol zal door OCMW Gent worden gepubliceerd via de website <a "
    'href="https://stad.gent/nl/over-gent-en-het-stadsbestuur/juridische-info/met-respect-voor-je-privacy/protocollen-en-machtigingen">https://stad.gent/nl/over-gent-en-het-stadsbestuur/juridische-info/met-respect-voor-je-privacy/protocollen-en-machtigingen</a></p><p>Dit '
    "protocol zal door Thuispunt Gent worden gepubliceerd via haar website.</p>"
)

LAW_AND_COURT = (
    "<p>Dit protocol wordt beheerst door het Belgisch recht.</p><p>Alle geschillen "
    "die voortvloeien uit of verband houden met dit protocol worden beslecht door "
    "de bevoegde rechtbank in het gerechtelijk arrondissement Oost-Vlaanderen, "
    "afdeling Gent.</p>"
)

ENTRY_INTO_FORCE = (
    "<p>Dit protocol treedt in werking op het moment dat het door alle partijen is "
    "goedgekeurd en ondertekend.</p><p>Partijen kunnen dit protocol schriftelijk "
    "opzeggen mits inachtneming van een opzegtermijn van 6 maanden.</p><p>Het "
    "protocol eindigt van rechtswege na afloop van de in artikel 5 van dit "
    "protocol bedoelde termijn van mededeling. Het protocol eindigt tevens van "
    "rechtswege wanneer er geen rechtsgrond meer bestaat voor de gevraagde "
    "doorgifte van persoonsgegevens.</p>"
)

COLLECTION_PURPOSES = (
    "<p>Voor de jaarlijkse <b>actualisatie van kandidaten-dossiers van "
    "kandidaat-huurders met een referentieadres bij OCMW Gent te Onderbergen "
    "86</b>, 9000 Gent, heeft Thuispunt Gent de gegevens verzameld voor volgende "
    "doeleinden:</p><ul><li>In het kader van hun opdracht als sociale "
    "woonmaatschappij zoals bepaald in Art. 6.3/1, §1, 1° en 2° Vlaamse Codex "
    "Wonen 21</li><li>Voor het versturen van afschrift van het "
    "inschrijvingsdossier opgeladen in het Centraal Inschrijvingsregister naar "
    "iedere kandidaat-huurder met de vraag om zijn dossier digitaal te valideren "
    "en eventueel aan te passen, zoals bepaald in Besluit van de Vlaamse Regering "
    "tot wijziging van het besluit van de Vlaamse Regering van 17 december 2021 "
    "tot wijziging van het Besluit Vlaamse Codex Wonen van 2021, wat betreft de "
    "sociale huur.</li><li>Voor het verder behandelen en eventueel schrappen van "
    "inschrijvingsdossiers in het Centraal Inschrijvingsregister, zoals bepaald in "
    "Besluit van de Vlaamse Regering tot wijziging van het besluit van de Vlaamse "
    "Regering van 17 december 2021 tot wijziging van het Besluit Vlaamse Codex "
    "Wonen van 2021, wat betreft de sociale huur.</li></ul>"
)

COMMUNICATION_PURPOSES = (
    "<p>OCMW Gent zal de opgevraagde gegevens verwerken voor volgende "
    "doeleinden:</p><ul><li>Het contacteren van de dak- en thuisloze zodat in "
    "overeenstemming met artikel 57 uit de Organieke wet van 8 juli 1976 "
    "betreffende de openbare centra voor maatschappelijk welzijn OCMW Gent zijn "
    "maatschappelijke dienstverlening kan uitvoeren en in overeenstemming met art. "
    "60 §2 de dak- en thuisloze tijdig kan informeren over de noodzaak voor "
    "actualisatie van zijn inschrijvingsdossier in het CIR.</li></ul><p>Het "
    "doeleinde van de verdere verwerking van deze persoonsgegevens door OCMW Gent "
    "is verenigbaar met de doeleinden waarvoor Thuispunt Gent de gegevens "
    "oorspronkelijk heeft verzameld, gezien de taak van algemeen belang waarmee "
    "het OCMW Gent belast is ingevolge de OCMW-wet om de dak- en thuisloze tijdig "
    "te informeren en te ondersteunen zodat ze aanspraak kunnen maken op al hun "
    "rechten en voordelen waaronder het behouden van hun plaats op wachtlijst voor "
    "een sociale huurwoning.</p>"
)

DATA_ITEMS_INTRO = (
    "<p>In onderstaande tabel wordt een overzicht gegeven van de verschillende "
    "persoonsgegevens die worden meegedeeld, alsook de verantwoording van de "
    "proportionaliteit en de bewaartermijn van de gegevens.</p><p>Het betreft geen "
    "persoonsgegevens als vermeld in artikel 9 en/of 10 van de algemene "
    "verordening gegevensbescherming. Indien dat wel het geval is, wordt dit "
    "gespecificeerd in onderstaande tabel.</p><p>Doeleinde (jaarlijkse) "
    "actualisatie kandidatendossiers van kandidaat-huurders met referentieadres "
    "Onderbergen 86, 9000 Gent</p>"
)

RETENTION_NOTE = (
    "<p>De gedeelde lijsten met gegevens zullen door OCMW Gent tot uiterlijk "
    "27/09/2024 bewaard worden op een afgescheiden en beveiligde structuur op de "
    "netwerkschijf, waarna deze automatisch zal worden verwijderd. Deze "
    "bewaartermijn kan worden verantwoord gezien de noodzaak om "
    "kandidaten-dossiers in CIR binnen een noodzakelijke termijn te actualiseren "
    "en te bevestigen.</p>"
)

SECURITY_GENERAL = (
    "<p>Volgende maatregelen worden getroffen ter beveiliging van de mededeling "
    "van de persoonsgegevens, vermeld in artikel 2:</p><ul><li>De partijen "
    "verbinden zich ertoe elk een functionaris voor gegevensbescherming aan te "
    "stellen als bedoeld in artikels 37 tot en met 39 AVG, die samen toezicht "
    "houden op de gezamenlijke verwerking. De functionaris voor "
    "gegevensbescherming van elke partij houdt hierbij toezicht op het deel van de "
    "verwerking waarmee de eigen partij belast is.</li><li>De partijen waarborgen "
    "dat de tot het verwerken van de persoonsgegevens gemachtigde personen zich "
    "ertoe verbonden hebben de vertrouwelijkheid in acht te nemen of door een "
    "passende wettelijke verplichting van vertrouwelijkheid gebonden "
    "zijn.</li><li>De partijen zullen rekening houdend enerzijds met de stand van "
    "de techniek ter zake en de uitvoeringskosten en anderzijds met de aard, de "
    "omvang, de context van de verwerking, de verwerkingsdoeleinden en de qua "
    "waarschijnlijkheid en ernst uiteenlopende risico's voor de rechten en de "
    "vrijheden van personen, de passende technische en organisatorische "
    "maatregelen nemen. Deze zijn onder meer nodig:<ul><li>I. voor de bescherming "
    "van de persoonsgegevens tegen vernietiging, verlies of om welke reden dan ook "
    "het niet raadpleegbaar zijn en in het geval van een fysiek of technisch "
    "incident, de beschikbaarheid van en de toegang tot de persoonsgegevens tijdig "
    "te herstellen (beschikbaarheid);</li><li>II. voor de bescherming van de "
    "persoonsgegevens tegen ongeoorloofde wijziging (integriteit);</li><li>III. "
    "voor de bescherming van de persoonsgegevens tegen ongeoorloofde toegang of "
    'inzage door derden (vertrouwelijkheid);</li><li>IV. opdat "de betrokkene" '
    "steeds kan navragen welke gegevens over hem worden verwerkt, door wie en voor "
    "welke doeleinde (transparantie);</li><li>V. opdat de (verwerking van) "
    "persoonsgegevens steeds kan worden overgedragen naar een andere "
    "dienstverlener (overdraagbaarheid en interoperabiliteit);</li><li>VI. opdat "
    "steeds kan worden nagegaan wie toegang had tot de persoonsgegevens en wat de "
    "aard is van de verwerkingen die werden verricht (transparantie);</li><li>VII. "
    "opdat de persoonsgegevens op een veilige manier en permanent kunnen worden "
    "verwijderd of geanonimiseerd waar de persoonsgegevens zich ook "
    "bevinden.</li></ul></li><li>De partijen verbinden zich ertoe niet te "
    "handelen, en zullen ook niemand toelaten te handelen, op een manier die "
    "strijdig is met de verbintenissen die in dit protocol worden bepaald of met "
    "de wettelijke verbintenissen die van toepassing zijn</li></ul>"
)

SECURITY_SPECIFIC = (
    "<p>Daarnaast werden ook volgende specifieke maatregelen in het kader van de "
    "gegevensmededeling getroffen:</p><ul><li>Om de gegevensuitwisseling zo veilig "
    "mogelijk te maken, handelen beide partijen volgens een specifiek "
    '"uitwisselingsproces" (zie boven).</li></ul><p>OCMW Gent treft ten minste '
    "volgende organisatorische en technische beveiligingsmaatregelen ter "
    "beveiliging van de ontvangen persoonsgegevens bij verdere "
    "verwerking:</p><ul><li>De gegevens worden ingelezen in de beveiligde "
    "basistoepassing van OCMW Gent.</li><li>Er wordt gewerkt met toegangsbeheer. "
    "Slecht een beperkt aantal medewerkers heeft toegang tot de toepassing en de "
    "behandelde dossiers.</li><li>De gegevens worden verwijderd van zodra personen "
    "zijn gecontacteerd door OCMW Gent.</li><li>Betrokken cliënten van OCMW Gent "
    "zijn geïnformeerd over de verwerking en geven ook de nodige toelatingen om "
    "hun dossier te behandelen.</li><li>OCMW gent beschikt over een Data "
    "Protection Officer (DPO) die werd aangemeld bij de "
    "gegevensbeschermingsautoriteit (GBA), de Vlaamse Toezichtcommissie (VTC) en "
    "Kruispuntbank Sociale Zekerheid (KSZ).</li><li>OCMW Gent maakt gebruik van "
    "een uitgebreide toegangscontrole, inclusief multifactor authenticatiesysteem "
    "en wachtwoordbeleid, wachtwoord beveiligde computers, logging-systeem, "
    "firewall en antivirusprogramma's op alle toestellen.</li><li>De medewerkers "
    "van OCMW Gent zijn tot vertrouwelijkheid gehouden ingevolgde artikel 333 van "
    "de Rechtspositieregeling.</li><li>OCMW Gent beschikt over een register van "
    "verwerkingsactiviteiten.</li><li>OCMW Gent beschikt over een procedure in "
    "verband met gegevenslekken.</li><li>OCMW Gent beschikt over een "
    "privacyverklaring die voldoet aan de eisen uit art. 13 – 14 AVG.</li><li>Met "
    "verwerkers worden verwerkersovereenkomsten afgesloten en de verwerkers worden "
    "voorafgaand onderzocht om na te gaan of ze voldoende garanties bieden met "
    "betrekking tot gegevensbescherming</li></ul><p>De gegevens worden enkel "
    "bewaard op intern beveiligde locaties. Deze zijn enkel toegankelijk voor de "
    "bovenvermelde diensten en medewerkers. Partijen moeten kunnen aantonen dat de "
    "in dit artikel opgesomde maatregelen werden getroffen. Op eenvoudig verzoek "
    "van één van de partijen, bezorgt de andere partij extra verduidelijking over "
    "de technische en organisatorische maatregelen aan de desbetreffende "
    "functionaris voor gegevensbescherming.</p><p>In het geval de partijen voor de "
    "verwerking van persoonsgegevens die het voorwerp zijn van voorliggend "
    "protocol, beroep doen op een verwerker (of meerdere verwerkers), doen de "
    "partijen uitsluitend beroep op verwerkers die afdoende garanties met "
    "betrekking tot het toepassen van passende technische en organisatorische "
    "maatregelen bieden opdat de verwerking aan de vereisten van de algemene "
    "verordening gegevensbescherming voldoet en de bescherming van de rechten van "
    "de betrokkene is gewaarborgd. De partijen sluiten in voorkomend geval met "
    "alle verwerkers een verwerkersovereenkomst in overeenstemming met artikel 28 "
    "van de algemene verordening gegevensbescherming. Partijen bezorgen elkaar een "
    "overzicht van de verwerkers die de gevraagde gegevens verwerken, en "
    "actualiseren dit overzicht zo nodig.</p>"
)

CLOSING_TEXT = (
    "Opgemaakt te Gent, op _____, in evenveel exemplaren als dat er partijen zijn."
)

# Article 3's table: the values of its rows as written (the template's hints in
# italics are the table's headings on the page). The seed gives no retention per
# row: article 3's closing paragraph (RETENTION_NOTE) names the day for all.
DATA_ITEMS = [
    {
        "data": "Identificatiegegevens: Naam, voornaam, Rijksregisternummer",
        "proportionality": (
            "Identificatiegegevens zijn nodig om de betrokken persoon correct te "
            "identificeren en te kunnen contacteren"
        ),
        "retention": "",
        "retention_until": date(2024, 9, 27),
        "special_category": False,
    },
    {
        "data": (
            "Status kandidaten-dossier in CIR en welke stukken nodig zijn om een "
            "inschrijving te vervolledigen en/of te actualiseren."
        ),
        "proportionality": (
            "Noodzakelijk voor het contacteren van de kandidaat-huurder om rechten te "
            "vrijwaren en schrapping uit CIR als kandidaat-huurder te vermijden. Deze "
            "gegevens zijn noodzakelijk om de kandidaat-huurder die dreigt geschrapt te "
            "worden uit CIR, zijn rechten te vrijwaren door een schrapping te vermijden en "
            "gericht informatie en ondersteuning te kunnen bieden bij het verzamelen en "
            "uploaden van de nodige bewijsstukken in CIR."
        ),
        "retention": "",
        "retention_until": date(2024, 9, 27),
        "special_category": False,
    },
]


PROTOCOL = {
    "reference": "2024_VB_00591",
    "title": (
        "Protocol voor de mededeling van persoonsgegevens in het kader van de eenmalige "
        "actualisatie van kandidatendossiers in het Centraal Inschrijvingsregister"
    ),
    "summary": (
        "Woonmaatschappij Thuispunt Gent deelt eenmalig aan OCMW Gent mee welke "
        "kandidaat-huurders met een referentieadres bij OCMW Gent hun dossier in het "
        "Centraal Inschrijvingsregister (CIR) nog niet bevestigd hebben, zodat OCMW Gent "
        "deze dak- en thuisloze cliënten tijdig kan contacteren en een schrapping van de "
        "wachtlijst kan helpen vermijden."
    ),
    "recitals": RECITALS,
    "data_flow": DATA_FLOW,
    "exchange_note": EXCHANGE_NOTE,
    "service_integrator": "",
    "recitals_continued": RECITALS_CONTINUED,
    "subject": SUBJECT,
    "collection_purposes": COLLECTION_PURPOSES,
    "communication_purposes": COMMUNICATION_PURPOSES,
    "data_items_intro": DATA_ITEMS_INTRO,
    "retention_note": RETENTION_NOTE,
    "recipients": RECIPIENTS,
    "periodicity": "one_off",
    "duration": "fixed",
    # Art. 12: the protocol ends by law once the one-off communication of art. 5 is
    # over; the data had to be deleted by 27/09/2024 (art. 3), which we take as the
    # end of that communication.
    "end_date": date(2024, 9, 27),
    "periodicity_note": PERIODICITY_NOTE,
    "security_general": SECURITY_GENERAL,
    "security_specific": SECURITY_SPECIFIC,
    "quality": QUALITY,
    "sanctions": SANCTIONS,
    "notification_duties": NOTIFICATION_DUTIES,
    "transparency": TRANSPARENCY,
    "law_and_court": LAW_AND_COURT,
    "entry_into_force": ENTRY_INTO_FORCE,
    "notice_period_months": 6,
    "signed_place": "Gent",
    # The seed leaves the signing date blank ("Opgemaakt te Gent, op _____"): the
    # signatories below have no signing date, so the protocol is approved but not
    # signed, and has no date of entry into force (art. 12).
    "closing_text": CLOSING_TEXT,
    "exchange_steps": EXCHANGE_STEPS,
    "data_items": DATA_ITEMS,
    "parties": PARTIES,
    "decisions": ["2024_VB_00591"],
    "signatories": [
        {
            "organisation": "0400032156",
            "name": "Diederick Vandekerckhove",
            "title": "Waarnemend algemeen directeur",
        },
        {
            "organisation": "0212214125",
            "name": "Mieke Hullebroeck",
            "title": "Algemeen Directeur",
        },
        {
            "organisation": "0212214125",
            "name": "Mathias De Clercq",
            "title": "Burgemeester",
        },
    ],
    "advices": [
        {
            "organisation": "0400032156",
            "advice_date": date(2024, 9, 9),
            "verdict": "favourable",
            "dpo_name": "Functionaris voor gegevensbescherming Thuispunt Gent",
        },
        {
            "organisation": "0212214125",
            "advice_date": date(2024, 9, 12),
            "verdict": "favourable",
            "dpo_name": "Functionaris voor gegevensbescherming OCMW Gent",
        },
    ],
}

ORGANISATIONS = [OCMW_GENT, THUISPUNT_GENT]
DECISIONS = [dict(DECISION, organisation="0212214125")]
