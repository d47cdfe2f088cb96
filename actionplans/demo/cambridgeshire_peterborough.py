"""Cambridgeshire & Peterborough's demo plan (seed 002, a report of 11 October 2018).

The three key priorities with section 5's current work, the county lines key risk (section 6)
and housing issues (5.3.2), and the "Assistance" asked of the Responsible Authorities.
"""

from __future__ import annotations

from datetime import date

from .builders import (
    COMPLETE,
    ON_TRACK,
    Act,
    AskSpec,
    Ms,
    Obj,
    P,
    RiskSpec,
    S,
    Sector,
    SeedPlan,
)

CCC = "Cambridgeshire County Council Public Health"
PBORO = "Peterborough City Council"
CONSTABULARY = "Cambridgeshire Constabulary"
OPCC = "Office of the Police and Crime Commissioner"
CAMBS_PROBATION = "Probation"
CGL = "Change Grow Live"
DWP = "Jobcentre Plus / DWP"
CCG = "Cambridgeshire and Peterborough CCG"
CPFT = "Cambridgeshire and Peterborough NHS Foundation Trust (CPFT)"
BOARD = "Drug and Alcohol Delivery Board"

# Section 5's current work, as at the report (11 October 2018). Plan year 1 (2018/19) is
# assumed where the seed gives no date; the statuses are our reading of the seed's words.
OBJECTIVES = [
    Obj("Prioritising early help interventions to children, young people and families most at "
        "risk of substance misuse", P.DEMAND, S.PREVENT, (
            Act("Early help working group: partnerships, workforce development, and "
                "intervention and tools", (CCC, PBORO), (
                    Ms("Working group established", COMPLETE, 1,
                       note="A working group has been established to drive this work forward "
                       "across key partners"),
                )),
            Act("Healthy Schools contract (in partnership with PHE and OPCC)", (CCC, OPCC), (
                Ms("Healthy Schools contract live", ON_TRACK, 1,
                   note="The Healthy Schools contract (in partnership with PHE and OPCC) due to "
                   "go live, this provides schools with evidence based tools and interventions"),
            )),
            Act("Young person's drug and alcohol needs assessment (Cambridgeshire)", (CCC,), (
                Ms("Needs assessment conducted", COMPLETE, 1,
                   note="Conducted in spring/summer 2018; it evidenced areas that require "
                   "strengthening, including identification of substance misuse across "
                   "universal and targeted services"),
            )),
        )),
    Obj("Reducing drug related deaths and implementing the recommendations of the drug related "
        "deaths review", P.TREATMENT, S.PROTECT, (
            Act("Take home naloxone (THN) distribution", (CGL, CCC), (
                Ms("THN kits distributed to opiate users and associated family members/friends",
                   ON_TRACK, 1, metrics=("drug_misuse_deaths",),
                   note="Thousands of take home naloxone (THN) kits have been distributed and at "
                   "least 118 have been used appropriately in overdose situations"),
            )),
            Act("Local surveillance of drug related deaths", (CONSTABULARY, CGL), (
                Ms("Robust local surveillance processes in place with the police, coroners, "
                   "service user network and treatment services", COMPLETE, 1,
                   note="Robust local surveillance processes are in place"),
            )),
            Act("Drug related deaths involving prescription medications", (CCG,), (
                Ms("Work with the CCG to address the misuse of prescription medications",
                   ON_TRACK, 1, note="Work is underway with the CCG to start to address this "
                   "issue"),
            )),
        )),
    Obj("Improving outcomes by addressing barriers in housing and homelessness and substance "
        "misuse (including linking in with the local homelessness pathfinder)", P.TREATMENT,
        S.PROTECT, (
            Act("Offender pathway in relation to housing and homelessness, the blueprint for the "
                "substance misuse pathway", (CCC, CAMBS_PROBATION), (
                    Ms("Offender pathway finalised", ON_TRACK, 1,
                       note="Finalising the offender pathway in relation to housing and "
                       "homelessness"),
                )),
            Act("Second abstinence house in Cambridge City", (CCC,), (
                Ms("Second abstinence house open", ON_TRACK, 1,
                   note="A second abstinence house is opening up in Cambridge City for those "
                   "who are in recovery"),
            )),
            Act("Trailblazer project: a housing problem solving approach", (CCC, PBORO), (
                Ms("Trailblazer approach developed across the pathway", ON_TRACK, 1,
                   note="Developing and building upon the positive work of the Trailblazer "
                   "project"),
            )),
        )),
    Obj("Improving outcomes by addressing barriers in education, training, volunteering and "
        "employment and substance misuse (including embedding the work and health programme "
        "and work with Job Centre Plus)", P.TREATMENT, S.PREVENT, (
            Act("Training for Job Centre Plus staff around substance misuse and dual diagnosis",
                (DWP, CGL), (
                    Ms("Job Centre Plus staff trained", ON_TRACK, 1,
                       note="Work is being undertaken with Job Centre Plus to provide training "
                       "for staff"),
                )),
            Act("Pathways for Education, Training and Employment (ETE) support with Job Centre "
                "Plus and DWP Work and Health Programme leads", (DWP,), (
                    Ms("ETE pathways identified for treatment service providers", ON_TRACK, 1,
                       note="Work is underway with Job Centre Plus and DWP Work and Health "
                       "Programme local leads to identify pathways"),
                )),
        )),
    Obj("Improving outcomes by addressing barriers in mental health pathways and substance "
        "misuse", P.TREATMENT, S.PROTECT, (
            Act("Countywide Dual Diagnosis and Co-occurring Conditions Protocol", (CCC, CPFT), (
                Ms("Protocol signed off by all key authorities", ON_TRACK, 1,
                   note="Countywide Dual Diagnosis and Co-occurring Conditions Protocol has been "
                   "developed (awaiting sign off from all key authorities)"),
            )),
            Act("Online dual diagnosis training package (CPFT)", (CPFT,), (
                Ms("Online training package available to partner agencies", ON_TRACK, 1,
                   note="Currently developing new online training package (CPFT) to make "
                   "training more accessible to partner agencies"),
            )),
            Act("New Cambridgeshire drug and alcohol treatment contract (CGL)", (CCC, CGL), (
                Ms("New treatment contract starts", COMPLETE, due_date=date(2018, 10, 1),
                   note="The New Cambridgeshire drug and alcohol treatment contract (CGL) "
                   "starts on the 1st October 2018"),
            )),
        )),
    Obj("Improving outcomes by addressing barriers in the criminal justice system (across all "
        "relevant criminal justice pathways and interventions)", P.TREATMENT, S.PURSUE, (
            Act("Liaison and Diversion service", (CPFT, CONSTABULARY), (
                Ms("Liaison and Diversion service expanded", ON_TRACK, 1,
                   note="Expansion plans for the Liaison and Diversion service and exploration "
                   "of opportunities to strengthen links and working practices with the "
                   "treatment services"),
            )),
            Act("Drug testing on arrest (DTOA) pilot", (CONSTABULARY,), (
                Ms("Local police data reviewed with a view to pilot DTOA", ON_TRACK, 1,
                   note="Reviewing local police data with a view to pilot DTOA"),
            )),
            Act("Operation Farmington: frequent and high demand offenders", (CONSTABULARY,), (
                Ms("Op Farmington working in partnership to support Rehabilitation, Recovery "
                   "and Release", ON_TRACK, 1,
                   note="Operation Farmington – targeting frequent and high demand offenders"),
            )),
            Act("Substance misusing offenders pathway review",
                (CONSTABULARY, CAMBS_PROBATION, CGL), (
                Ms("Stakeholder event held", ON_TRACK, due_date=date(2018, 10, 15),
                   note="Key agencies are coming together for an event in October to identify "
                   "strengths, weakness and identify solutions"),
            )),
        )),
]

COUNTY_LINES = "Key risk (section 6): county lines. "
PARTNERS_ON_COUNTY_LINES = (
    "Partners working closely to address County Lines and to ensure that there are robust and "
    "appropriate measures to safeguard young people and vulnerable adults, including "
    "enforcement activity (5.6.1)."
)

# (title, description, likelihood, impact, owner, mitigation): the likelihood and impact are
# invented, and so is the status (open), so each is marked synthetic. Raised on the report's day.
RISKS = [
    RiskSpec(
        "Increase in levels of adult and young people exploitation as county lines dealers are "
        "targeting vulnerable individuals to support their 'business arrangements'",
        COUNTY_LINES + "Board members' biggest collective risk.", 4, 5, BOARD,
        PARTNERS_ON_COUNTY_LINES,
    ),
    RiskSpec(
        "Increase in crime both drug related offences and violent crime",
        COUNTY_LINES + "The constabulary have written a comprehensive report around their "
        "knowledge of County lines, which includes work being undertaken with partners, "
        "enforcement successes and ongoing risks.", 4, 4, CONSTABULARY, PARTNERS_ON_COUNTY_LINES,
    ),
    RiskSpec(
        "Increased community visibility of drug use and discarded drug paraphernalia in "
        "streets and open spaces and associated ASB", COUNTY_LINES.rstrip(), 3, 3, BOARD, "",
    ),
    RiskSpec(
        "Impact on housing, dealers coming into the area and taking over vulnerable adults and "
        "YP accommodation for drug dealing purposes (referred to as Cuckooing)",
        COUNTY_LINES.rstrip(), 4, 4, BOARD,
        "Districts and housing providers are working closely with the Police to share "
        "information.",
    ),
    RiskSpec(
        "Increased harms and overdoses with new dealers coming into the area supplying drugs "
        "with different purity levels and contaminates", COUNTY_LINES + "Drugs entering the "
        "county through county lines routes with different purity rates and contaminants are "
        "increasing risk levels.", 4, 5, BOARD,
        "Distribution of Take Home Naloxone (THN) through opportunistic contact with opiate "
        "users, family and friends.",
    ),
    RiskSpec(
        "Potential increase in the use of class A drugs in younger children",
        COUNTY_LINES.rstrip(), 2, 5, BOARD, "",
    ),
    RiskSpec(
        "Increased levels of presenting complexities, increasing pressure and demand on "
        "services", COUNTY_LINES.rstrip(), 4, 3, BOARD, "",
    ),
    RiskSpec(
        "Accommodation for homeless households being 'cuckooed'",
        "Housing issue A (5.3.2): with the increasing threat of County lines, accommodation "
        "that Districts use for homeless households are being 'cuckooed'. Vulnerable tenants "
        "are at risk of being exploited, losing their accommodation and becoming homeless.",
        4, 4, "District councils and housing providers",
        "Districts and housing providers are working closely with the Police to share "
        "information.",
    ),
    RiskSpec(
        "Homelessness on discharge from hospital and prison",
        "Housing issue B (5.3.2): shorter prison sentences and a pressure on hospital beds are "
        "increasing risks of homelessness.", 3, 4, BOARD,
        "Planning and communication with community services, so that vulnerable individuals "
        "are not leaving institutions without accommodation.",
    ),
]

RESPONSIBLE_AUTHORITIES = "Responsible Authorities"

# (title, request, directed to): the seed's "Assistance" sections, awaiting a response as at
# the report. Open is what the seed says, so they are not marked synthetic.
ASKS = [
    AskSpec(
        "Substance misuse training and a schools drugs/alcohol policy (5.1.5)",
        "To ensure that substance misuse training is incorporated across agencies into the "
        "workforce training calendar, with regular top ups; and for the strategic partnership "
        "to assist in creating a dialogue with secondary schools to develop a standardised "
        "drugs/alcohol policy response, so that pupils have early access to specialist "
        "treatment services and early intervention.",
        "Responsible Authorities and the strategic partnership",
    ),
    AskSpec(
        "Opportunistic distribution of Take Home Naloxone (5.2.5)",
        "Local research indicates that 60% of DRD's are of people not actively known to local "
        "treatment services: partners are urged to use opportunistic contact with opiate users "
        "(and family and friends) to distribute Take Home Naloxone (THN), undertake harm "
        "reduction interventions and facilitate engagement.",
        "Partners across agencies, particularly hospital Emergency Departments and custody "
        "suites",
    ),
    AskSpec(
        "Early intervention and multi-agency problem solving on housing (5.3.3)",
        "Support early intervention and a multi-agency problem solving approach (trailblazer) "
        "with regards to housing; and recognise the housing needs of those with substance "
        "misuse issues and other complex needs within the housing related support review.",
        "The wider partnership",
    ),
    AskSpec(
        "Support for the Work and Health programme (5.4.2)",
        "To request support from Responsible Authorities to help drive through the Work and "
        "Health programme which includes addressing and supporting substance misusers that "
        "have ETE related issues.", RESPONSIBLE_AUTHORITIES,
    ),
    AskSpec(
        "Communicating criminal justice changes and driving the pathway review's actions "
        "(5.6.6)",
        "Key organisations are urged to communicate change and to consider impacts across the "
        "criminal justice system; following the stakeholder event, key authorities' support "
        "and commitment to drive through identified areas of action.",
        RESPONSIBLE_AUTHORITIES,
    ),
]

SEED = SeedPlan(
    slug="cambridgeshire-peterborough",
    title="Drug and Alcohol Delivery Board action plan",
    first_year=2018, years=3,
    as_at=date(2018, 10, 11),
    objectives=OBJECTIVES,
    organisations=[(CCG, Sector.NHS), (CPFT, Sector.NHS)],
    risks=RISKS,
    asks=ASKS,
)
