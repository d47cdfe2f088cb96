"""Demo action plans, risks and asks from the seeds. Idempotent.

Loaded through the plan services, as each partnership's lead would enter them. What the seeds
say is used as it is, the seed's own words kept as the progress note. A status, date or score
a seed does not give is invented: that milestone, risk or ask is marked `status_is_synthetic`
(shown as "illustrative"). Where a seed's words are read as a status ("In post" → complete;
"Recruiting", "underway", "planned" → on track), the reading is ours but nothing is invented,
so it is not marked.

- Rotherham (seeds 000, 001) tags its plan by 4P strand only: the national priority of each
  objective is OURS (Pursue → supply; treatment, harm and recovery → treatment; prevention,
  families, education and engagement → demand). The "Key progress against action plan"
  bullets of the annual update are the milestones; the key action above each is named after it.
- York (seed 003) sets its plan under the national priorities, with the police's 4P references
  in plan area #1 and milestones by plan year in area #2.
- Cambridgeshire & Peterborough (seed 002, a report of 11 October 2018): the three key
  priorities with section 5's current work, the county lines key risk (section 6) and housing
  issues (5.3.2), and the "Assistance" asked of the Responsible Authorities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from outcomes.models import Metric
from partnerships.models import Organisation, Partnership

from . import services
from .models import ActionPlan, Ask, Milestone, MilestoneStatus, Objective, Risk
from .models import Priority as P
from .models import Strand as S

Sector = Organisation.Sector
NOT_STARTED, ON_TRACK, AT_RISK, COMPLETE = (MilestoneStatus.NOT_STARTED, MilestoneStatus.ON_TRACK,
                                            MilestoneStatus.AT_RISK, MilestoneStatus.COMPLETE)
REASON = "Demo data loaded from the seeds"


@dataclass(frozen=True)
class Ms:
    """A milestone: by plan year or due date; `note` is the seed's progress, as it is."""

    title: str
    status: str
    plan_year: int | None = None
    due_date: date | None = None
    note: str = ""
    synthetic: bool = False
    metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Act:
    """A key action with its responsible partners (organisation names) and milestones."""

    title: str
    partners: tuple[str, ...]
    milestones: tuple[Ms, ...]
    reference: str = ""


@dataclass(frozen=True)
class Obj:
    title: str
    priority: str
    strand: str
    actions: tuple[Act, ...] = ()


def illustrative(title: str, status: str, plan_year: int, note: str = "",
                 metrics: tuple[str, ...] = ()) -> Ms:
    """A milestone whose status (and plan year) the seed does not give."""
    return Ms(title, status, plan_year, note=note, synthetic=True, metrics=metrics)


# --- Rotherham (seeds 000 and 001) ---------------------------------------------------------
RMBC = "Rotherham Metropolitan Borough Council"
SYP = "South Yorkshire Police"
PROBATION = "Probation Service"
ROADS = "Rotherham Alcohol and Drugs Service (ROADs)"
RDASH = "Rotherham Doncaster and South Humber NHS Foundation Trust (RDaSH)"
VAR = "Voluntary Action Rotherham (VAR)"

# Progress achieved by the annual update is in plan year 1 (2023/24), work that continues in
# plan year 2: both assumed, as the seed gives no dates.
ROTHERHAM = [
    Obj("Facilitate improved information sharing including with IT systems", P.TREATMENT,
        S.PREPARE, (
            Act("Local outcomes framework", (RMBC,), (
                Ms("Local outcomes framework developed", COMPLETE, 1,
                   note="A local outcomes framework has been developed to measure progress "
                   "against the National Combatting Drugs Outcomes Framework"),
            )),
            Act("Local Drug Information System (LDIS) Panel", (RMBC, SYP, ROADS), (
                Ms("Local Drug Information System (LDIS) Panel established", COMPLETE, 1,
                   note="Local Drug Information System (LDIS) Panel has been established to "
                   "collate, evaluate and respond to intelligence concerning potent, novel or "
                   "adulterated substances"),
            )),
            # Seed 000, resolution 2; seed 001 is that report. Its place here is ours.
            Act("Annual progress report against the action plan", (RMBC, SYP), (
                Ms("Annual progress report against the action plan received", COMPLETE, 1,
                   note="Resolved: that the progress against the action plan be noted and the "
                   "work of the Partnership be supported"),
            )),
        )),
    Obj("Equip workers by providing education for professionals", P.DEMAND, S.PREPARE, (
        Act("Drug and alcohol training for the wider Public Health workforce", (RMBC,), (
            Ms("Drug and alcohol training sessions delivered", ON_TRACK, 2,
               note="A range of drug and alcohol training session have, and continue, to be "
               "delivered to upskill the wider Public Health workforce"),
        )),
        Act("Educational resources for schools and higher education", (RMBC, ROADS), (
            Ms("Educational resources procured and distributed to schools and higher education",
               COMPLETE, 1,
               note="Stock of educational resources have been procured and distributed to "
               "schools and higher education alongside appropriate training from the Rotherham "
               "Alcohol and Drugs Service (ROADs)"),
        )),
    )),
    Obj("Develop Combatting Drugs Communications and Engagement Strategy", P.DEMAND, S.PREPARE, (
        # Listed with the Protect bullets in seed 001; engagement is where it belongs.
        Act("Public involvement lead", (ROADS,), (
            Ms("ROADs established as public involvement lead", COMPLETE, 1,
               note="ROADs established as public involvement lead, developing plans to ensure a "
               "range of voices and heard throughout the work of the CDP"),
        )),
        Act("Communications and Engagement Strategy", (RMBC,), (
            illustrative("Combatting Drugs Communications and Engagement Strategy developed",
                         ON_TRACK, 2),
        )),
    )),
    Obj("Develop continuity of care in criminal justice pathway", P.TREATMENT, S.PREVENT, (
        # No progress bullet: the milestone is from seed 001's discussion.
        Act("Drug and Alcohol Treatment Orders with the Probation Service", (PROBATION, ROADS), (
            illustrative("More Drug and Alcohol Treatment Orders being used", ON_TRACK, 2,
                         note="Work with Probation Service looking at more Drug and Alcohol "
                         "Treatment Orders being used", metrics=("continuity_of_care",)),
        )),
    )),
    Obj("Develop whole family approach", P.DEMAND, S.PREVENT, (
        Act("Substance Misuse Early Help Team in the Family Hubs", (RMBC,), (
            Ms("Substance Misuse Early Help Team taking referrals", COMPLETE, 1,
               note="New Substance Misuse Early Help Team in the Family Hubs began taking "
               "referrals in August enhancing early identification and access to specialist "
               "services for parents"),
        )),
    )),
    Obj("Develop wider support offer and capacity for increased numbers for alcohol and drugs "
        "treatment/support", P.TREATMENT, S.PREVENT, (
            Act("Pathway into detoxification and rehabilitation", (RMBC, ROADS), (
                Ms("Revised pathway for access into detoxification and rehabilitation "
                   "implemented", ON_TRACK, 2, metrics=("residential_rehab",),
                   note="Work has continued to implement the revised pathway for access into "
                   "detoxification and rehabilitation, enabling more individuals to benefit and "
                   "increase successful treatment outcomes"),
            )),
            Act("Sexual Health Service posts working with the Drugs and Alcohol Service",
                (RMBC, ROADS), (
                    Ms("New posts in place in the Sexual Health Service", COMPLETE, 1,
                       note="New posts were now in place in the Sexual Health Service, working "
                       "with the Drugs and Alcohol Service, to identify new clients and enhance "
                       "the Service offer in both Services"),
                )),
            Act("Drinkcoach online alcohol service", (RMBC,), (
                Ms("Drinkcoach procured and live since April 2023", COMPLETE, 1,
                   note="Drinkcoach was procured and live since April 2023. Drinkcoach was an "
                   "online commissioned service that allowed people to assess their drinking and "
                   "receive personalised advice and support online including free coaching "
                   "sessions"),
            )),
        )),
    Obj("Develop and deliver harm reduction offer", P.TREATMENT, S.PROTECT, (
        Act("ROADs harm reduction offer", (ROADS,), (
            Ms("Naloxone training to partners", COMPLETE, 1,
               note="ROADs had developed their harm reduction offer including providing "
               "Naloxone training to partners to help prevent opiate deaths"),
        )),
    )),
    Obj("Reduce drugs related deaths", P.TREATMENT, S.PROTECT, (
        Act("Drug and Alcohol Related Death Prevention Co-ordinator", (SYP,), (
            Ms("Drug and Alcohol Related Death Prevention Co-ordinator recruited", COMPLETE, 1,
               metrics=("drug_misuse_deaths",),
               note="South Yorkshire Police Drug and Alcohol Related Death Prevention "
               "Co-ordinator Role successfully recruited to and now supporting work improving "
               "local intelligence systems to reduce harms from drugs"),
        )),
    )),
    Obj("Implement dual diagnosis pathways and improved psychological support", P.TREATMENT,
        S.PROTECT, (
            # No progress bullet in seed 001: the milestone is from seed 000's discussion.
            Act("Dual diagnosis pathway", (RMBC, RDASH), (
                illustrative("Dual diagnosis pathway agreed with RDaSH", ON_TRACK, 2,
                             note="A dual diagnosis pathway was newly commissioned, with "
                             "further work to determine how the pathway will work and how it "
                             "will be embedded, with RDaSH with agreements imminent"),
            )),
        )),
    Obj("Develop and implement recovery pathway", P.TREATMENT, S.PROTECT, (
        Act("Independent Recovery Community in Rotherham", (RMBC, VAR), (
            Ms("VAR commissioned to develop an independent Recovery Community", COMPLETE, 1,
               note="VAR had been commissioned to develop an independent Recovery Community in "
               "Rotherham. This included the creation of public forums and lived experience "
               "champion roles and managing recovery grants to community groups"),
        )),
    )),
    Obj("Continue effective pursue response working with partners", P.SUPPLY, S.PURSUE, (
        Act("Drug expert witnesses", (SYP,), (
            Ms("3 drug expert witnesses in place", COMPLETE, 1,
               note="Additional 3 Drug expert witnesses were now in place to support the "
               "investigation of drug offences with appropriate knowledge, skills and "
               "experience"),
        )),
        Act("Threat and Harm meetings chaired by the Force drug lead", (SYP,), (
            Ms("Additional Threat and Harm meetings chaired by the Force drug lead", COMPLETE, 1,
               note="To ensure effective intelligence management additional South Yorkshire "
               "Police Threat and Harm meetings were now chaired by the Force drug lead"),
        )),
        Act("Operation GROW, partnership approach to cannabis", (SYP, RMBC), (
            Ms("Operation GROW continued", ON_TRACK, 2,
               note="Operation GROW, partnership approach to cannabis, continued to be "
               "successful"),
        )),
    )),
    Obj("Develop focus on county lines/exploitation of children in line with Child Exploitation "
        "Strategy", P.SUPPLY, S.PURSUE, (
            Act("County lines and child exploitation", (SYP, RMBC), (
                illustrative("County lines focus in line with the Child Exploitation Strategy",
                             ON_TRACK, 2, metrics=("county_lines_closed",)),
            )),
        )),
    Obj("Disrupt organised crime", P.SUPPLY, S.PURSUE, (
        Act("Serious and Organised Crime Tasking Group", (SYP, RMBC), (
            Ms("Serious and Organised Crime Tasking Group in place", COMPLETE, 1,
               metrics=("ocg_disruptions",),
               note="A new Serious and Organised Crime Tasking Group to discuss intelligence "
               "relating to OCG members was now in place to set actions set at a partnership "
               "level"),
        )),
    )),
]

# --- York (seed 003) -------------------------------------------------------------------------
CYC = "City of York Council Public Health"
YDAS = "York Drug & Alcohol Service"
POLICE = "Police"
MIND = "Mind"
YORK_HOSPITAL = "York Teaching Hospital"
ADFAM = "Adfam"
HMPPS = "HM Prison and Probation Service (HMPPS)"

# Plan area #1: the seed's references are written "Police - Purs 6", "Police- prep 6" and so
# on; they are spelt one way here. "Police, Partners & Communities" and "Police & Partners"
# become Police (with HMPPS, which the action names). The milestones are due by plan year 3
# (assumed) and their statuses are invented.
YORK_SUPPLY = [
    Obj("Targeting the 'middle market' – breaking the ability of gangs to supply drugs "
        "wholesale to neighbourhood dealers", P.SUPPLY, S.PURSUE, (
            Act("Deliberate Actionable Information development for Middle Market tier",
                (POLICE,), (
                    illustrative("Identifiable intervention over calendar periods and support "
                                 "by police and partners from actionable information",
                                 ON_TRACK, 3),
                ), reference="Police – Purs 6"),
        )),
    Obj("Going after the money – disrupting drug gang operations and seizing their cash",
        P.SUPPLY, S.PURSUE, (
            Act("Financial Investigator allocation to each known SOC risk and engagement",
                (POLICE,), (
                    illustrative("Recovered, seized and frozen assets accounted for through "
                                 "ARIS", ON_TRACK, 3),
                ), reference="Police – Purs 1"),
        )),
    Obj("Rolling up county lines – bringing perpetrators to justice, safeguarding and "
        "supporting victims, and reducing violence and homicide", P.SUPPLY, S.PREPARE, (
            Act("County Line flagging & Offender management. Mapping of SOC risk and threats "
                "through OCG process", (POLICE,), (
                    illustrative("County Line & OCG Flagging, referrals and OBTJ's. Enabling "
                                 "perpetrator and vulnerability flags to be highlighted on "
                                 "national systems for intervention and accountability "
                                 "regionally. Op CHILL diversion and intervention for SOC "
                                 "specific will show referrals made", AT_RISK, 3,
                                 metrics=("county_lines_closed",)),
                ), reference="Police – Prep 1"),
        )),
    # Listed under "Protect" with a Prepare reference: kept as written.
    Obj("Tackling the retail market – improving targeting of local drug gangs and street "
        "dealing", P.SUPPLY, S.PROTECT, (
            Act("Police and Partner Information development enabling police briefing and "
                "precision tasking", (POLICE,), (
                    illustrative("Report and react figures correlating actionable information "
                                 "with results for prosecution of offenders and interventions",
                                 ON_TRACK, 3),
                ), reference="Police – Prep 9"),
        )),
    Obj("Restricting the supply of drugs into prisons – applying technology and skills to "
        "improve security and detection", P.SUPPLY, S.PREPARE, (
            Act("Information sharing with HMPPS around known OCG's operating within prison "
                "establishment", (POLICE, HMPPS), (
                    illustrative("Identifiable interventions from sharing environment and "
                                 "inclusion of partners within Partnership Disruption Panel and "
                                 "SOC Board", NOT_STARTED, 3, metrics=("ocg_disruptions",)),
                ), reference="Police – Prep 6"),
        )),
]

# Plan area #2. The "3 year overview" milestones are set by year ("Years 1 and 2" is taken as
# due by year 2, "Year 2/3" by year 3) and their statuses are invented. The "Year 1 2022/23"
# rows are plan year 1, with York's progress as the note and our reading of it as the status;
# only the digital IBA row's status (at risk) is invented.
YORK_TREATMENT = [
    Obj("Delivering world-class treatment and recovery services – strengthening local authority "
        "commissioned substance misuse services for both adults and young people, and improving "
        "quality, capacity and outcomes", P.TREATMENT, "", (
            Act("Increased treatment and harm reduction capacity, including inpatient "
                "detoxification and residential rehabilitation", (CYC,), (
                    illustrative("Focus on pathways and JSNA, building a strong foundation of "
                                 "information and evidence to support further plans for "
                                 "increasing treatment places", COMPLETE, 2),
                    illustrative("Increase treatment places (towards end of Year 2 and into "
                                 "Year 3)", ON_TRACK, 3, metrics=("numbers_in_treatment",)),
                )),
            Act("Enhanced treatment quality", (CYC,), (
                illustrative("Review caseloads and training options", COMPLETE, 2),
                illustrative("Consider training needs and ascertain the number of workers "
                             "across the system required to support reduction on caseloads",
                             ON_TRACK, 3),
                illustrative("Focus on recruitment to ensure reduction of caseloads and support "
                             "quality of service provision", AT_RISK, 3),
            )),
            Act("Recovery orientated system of care, including peer-based recovery support "
                "services", (CYC,), (
                    illustrative("Map and review current services and ensure those with lived "
                                 "experience, including family/carers/friends, feed into future "
                                 "plans to shape relevant initiatives", COMPLETE, 1),
                    illustrative("A wide offer for individuals in recovery", ON_TRACK, 3),
                )),
            Act("Development of Partnership Board, JSNA and Commissioning post", (CYC,), (
                Ms("Development of Partnership Board", COMPLETE, 1, note="Established May 22"),
                Ms("JSNA", ON_TRACK, 1, note="Near completion Jan 2023"),
                Ms("Commissioning post", COMPLETE, 1, note="In post"),
            )),
            Act("Peer to Peer Naloxone training and supply", (CYC, YDAS), (
                Ms("Steering group established", COMPLETE, 1,
                   note="Steering group established Jan 2023"),
                Ms("Roll out of Peer to Peer Naloxone training and supply", ON_TRACK, 1,
                   note="Roll out planned March 2023"),
            )),
            Act("New post in YDAS", (YDAS,), (
                Ms("New post in YDAS filled", ON_TRACK, 1, note="Recruiting",
                   metrics=("numbers_in_treatment",)),
            )),
            Act("Residential Rehabilitation and Inpatient detox co-ordinator post; create clear "
                "pathways to be implemented", (CYC,), (
                    Ms("Residential Rehabilitation and Inpatient detox co-ordinator post",
                       COMPLETE, 1, note="In post."),
                    Ms("Clear pathways to be implemented", ON_TRACK, 1,
                       note="Progress to establish clear pathways underway with relevant "
                       "partners."),
                )),
            Act("Recovery fund to support community initiatives to enable those in recovery to "
                "create peer support networks", (YDAS,), (
                    Ms("Recovery fund process established", COMPLETE, 1,
                       note="Process established and funds available"),
                )),
        )),
    Obj("Strengthening the professional workforce – developing and delivering a comprehensive "
        "substance misuse workforce strategy", P.TREATMENT, "", (
            Act("Expanding and developing the workforce", (CYC,), (
                illustrative("Explore training needs and develop plan to support training plan",
                             COMPLETE, 2),
                illustrative("Expand workforce to support increase in treatment placements and "
                             "consider specialist workers in other organisations", ON_TRACK, 3),
            )),
            Act("Partnership group (or sub-group) to explore training needs within partner "
                "organisations and develop plan to support long term training plan", (CYC,), (
                    Ms("Workforce development group established", COMPLETE, 1,
                       note="York & NY Workforce development group established"),
                )),
            Act("Funding for accredited training for current YDAS staff", (CYC, YDAS), (
                Ms("Accredited training for current YDAS staff", ON_TRACK, 1,
                   note="Appropriate training identified"),
            )),
        )),
    Obj("Ensuring better integration of services – making sure that people's physical and "
        "mental health needs are addressed to reduce harm and support recovery, and joining up "
        "activity to maximise impact across criminal justice, treatment, broader health and "
        "social care, and recovery", P.TREATMENT, "", (
            Act("Reducing drug related deaths and improving access to mental and physical health "
                "care", (CYC,), (
                    illustrative("Undertake DARD review", COMPLETE, 1,
                                 metrics=("drug_misuse_deaths",)),
                    illustrative("Explore pathways with secondary care for inpatients/out "
                                 "patients to ensure prompt referrals", COMPLETE, 1),
                    illustrative("Undertake review into Alcohol Care Team model", COMPLETE, 1),
                    illustrative("Develop IBA and online alcohol reduction programme", COMPLETE,
                                 1),
                    illustrative("Review findings and build on recommendations and continue to "
                                 "strengthen pathways", ON_TRACK, 2),
                )),
            Act("Develop stronger pathways for those with dual diagnosis, DD advocate post "
                "within Mind", (CYC, MIND), (
                    Ms("DD advocate post within Mind", COMPLETE, 1,
                       note="DD Advocate in post since May 2022"),
                )),
            Act("Develop stronger links with secondary care enabling clear pathways and "
                "implement Alcohol Care Team model", (CYC, YORK_HOSPITAL), (
                    Ms("Alcohol Care Team model implemented", ON_TRACK, 1,
                       note="Implementation planned April 2023"),
                )),
            Act("Alcohol harm reduction", (CYC,), (
                Ms("Development of digital alcohol Identification Brief Advice (IBA) promotion: "
                   "target of 15,000 digital IBA interventions by July 24", AT_RISK, 1,
                   note="Total to date – 6860. Targeted text via GP January 2023.",
                   synthetic=True, metrics=("digital_iba",)),
                Ms("Delivery of alcohol IBA training", ON_TRACK, 1,
                   note="Training offered to professionals and volunteers to support alcohol IBA "
                   "conversations with York residents and enable signposting to relevant "
                   "support"),
                Ms("Evaluation of pilot service (Changing Habits)", ON_TRACK, 1,
                   note="Due to begin Spring 2023"),
            )),
        )),
    # York lists these three without key actions.
    Obj("Improving access to accommodation alongside treatment – access to quality treatment "
        "for everyone sleeping rough, and better support for accessing and maintaining secure "
        "and safe housing", P.TREATMENT, ""),
    Obj("Improving employment opportunities – linking employment support and peer support to "
        "Jobcentre Plus services", P.TREATMENT, ""),
    Obj("Increasing referrals into treatment in the criminal justice system – specialist drug "
        "workers delivering improved outreach and support treatment requirements as part of "
        "community sentences so offenders engage in drug treatment", P.TREATMENT, "", (
            Act("Continuation of 4 x CJ workers incl. senior specialist worker within YDAS",
                (YDAS,), (
                    Ms("4 x CJ workers incl. senior specialist worker in post", COMPLETE, 1,
                       note="All in post, Senior specialist worker appointed"),
                )),
            Act("Support for families of those serving custodial sentence (Adfam)",
                (YDAS, ADFAM), (
                    Ms("Support for families of those serving custodial sentence", ON_TRACK, 1,
                       note="Number of family members have accessed support."),
                )),
        )),
    Obj("Keeping people engaged in treatment after release from prison – improving engagement "
        "of people before they leave prison and ensuring better continuity of care in the "
        "community", P.TREATMENT, ""),
]

# Plan area #3: plan years are assumed (1 for what reads as done, the next academic year as
# year 2, else year 3) and every status is invented. The police row names no partner: Police.
YORK_DEMAND = [
    Obj("Applying tougher and more meaningful consequences – ensuring there are local pathways "
        "to identify and change the behaviour of people involved in activities that cause "
        "drug-related harm", P.DEMAND, "", (
            Act("Local Police response to 'swift tough and certain' policy", (POLICE,), (
                illustrative("Local Police response to 'swift tough and certain' policy in place",
                             NOT_STARTED, 3, note="Legislation still going through Parliament"),
            )),
        )),
    Obj("Delivering school-based prevention and early intervention – ensuring that all pupils "
        "receive a co-ordinated and coherent programme of evidence-based interventions to "
        "reduce the chances of them using drugs", P.DEMAND, "", (
            Act("Increased engagement between YDAS and schools", (YDAS,), (
                illustrative("Contact with all secondary schools in York, with a named link",
                             ON_TRACK, 3),
            )),
            Act("Curriculum work on Drug and Alcohol", (CYC,), (
                illustrative("Healthy Schools framework commissioning to provide resources "
                             "around key topic areas that have been identified", ON_TRACK, 3),
            )),
            Act("Response to Schools survey findings", (CYC,), (
                illustrative("Targeted work undertaken with schools where specific issues have "
                             "been identified", COMPLETE, 1),
                illustrative("School survey to be repeated in the next academic year",
                             NOT_STARTED, 2),
            )),
        )),
    Obj("Supporting young people and families most at risk of substance misuse or criminal "
        "exploitation – co-ordinating early, targeted support to reduce harm within families "
        "that is sensitive to all the needs of the person or family and seeks to address the "
        "root causes of risk", P.DEMAND, "", (
            Act("'Affected by' services", (YDAS,), (
                illustrative("Promoted to all partner agencies", COMPLETE, 1),
                illustrative("To engage with more Health Care services", ON_TRACK, 3),
            )),
            Act("Adfam commissioned service: Support for families of those with drug/alcohol "
                "dependency", (CYC, YDAS, ADFAM), (
                    illustrative("Adfam details shared with all clients", COMPLETE, 1),
                    illustrative("YDAS referral process in place", COMPLETE, 1),
                )),
        )),
]

# --- Cambridgeshire & Peterborough (seed 002) ------------------------------------------------
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
CAMBS = [
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

OBJECTIVES = {
    "rotherham": ROTHERHAM,
    "york": YORK_SUPPLY + YORK_TREATMENT + YORK_DEMAND,
    "cambridgeshire-peterborough": CAMBS,
}

# The plans. `as_at` dates the seed's progress (and its risks and asks).
PLANS = {
    "rotherham": {
        "title": "Rotherham Combating Drugs Partnership action plan",
        # The seed's outcomes run to the end of 2024/25: two years.
        "first_year": 2023, "years": 2,
        # Seed 001: "Action plan signed off". The exact date is assumed, and so is the date
        # of the annual update's progress.
        "status": ActionPlan.Status.SIGNED_OFF, "signed_off_on": date(2024, 3, 31),
        "signed_off_by": "Rotherham Combating Drugs Partnership",
        "as_at": date(2024, 3, 31),
    },
    "york": {
        # Presented to scrutiny; no sign-off is stated, so it stays a draft.
        "title": "York Drug and Alcohol Partnership Local Plan of Action",
        "first_year": 2022, "years": 3,
        # Assumed: after January 2023's progress, before the roll-outs planned for March.
        "as_at": date(2023, 2, 1),
    },
    "cambridgeshire-peterborough": {
        "title": "Drug and Alcohol Delivery Board action plan",
        "first_year": 2018, "years": 3,
        "as_at": date(2018, 10, 11),
    },
}

# Organisations the seeds name that partnerships/demo.py does not have.
ORGANISATIONS = {
    "rotherham": [(RDASH, Sector.NHS), (VAR, Sector.VOLUNTARY)],
    "york": [(MIND, Sector.VOLUNTARY), (YORK_HOSPITAL, Sector.NHS), (ADFAM, Sector.VOLUNTARY),
             (HMPPS, Sector.PRISON)],
    "cambridgeshire-peterborough": [(CCG, Sector.NHS), (CPFT, Sector.NHS)],
}

ILLUSTRATIVE = " (likelihood and impact are illustrative)"
COUNTY_LINES = "Key risk (section 6): county lines. "
PARTNERS_ON_COUNTY_LINES = (
    "Partners working closely to address County Lines and to ensure that there are robust and "
    "appropriate measures to safeguard young people and vulnerable adults, including "
    "enforcement activity (5.6.1)."
)

# (title, description, likelihood, impact, owner, mitigation): the likelihood and impact are
# invented, and so is the status (open), so each is marked synthetic.
RISKS = {
    "cambridgeshire-peterborough": [
        ("Increase in levels of adult and young people exploitation as county lines dealers are "
         "targeting vulnerable individuals to support their 'business arrangements'",
         COUNTY_LINES + "Board members' biggest collective risk.", 4, 5, BOARD,
         PARTNERS_ON_COUNTY_LINES),
        ("Increase in crime both drug related offences and violent crime",
         COUNTY_LINES + "The constabulary have written a comprehensive report around their "
         "knowledge of County lines, which includes work being undertaken with partners, "
         "enforcement successes and ongoing risks.", 4, 4, CONSTABULARY, PARTNERS_ON_COUNTY_LINES),
        ("Increased community visibility of drug use and discarded drug paraphernalia in "
         "streets and open spaces and associated ASB", COUNTY_LINES.rstrip(), 3, 3, BOARD, ""),
        ("Impact on housing, dealers coming into the area and taking over vulnerable adults and "
         "YP accommodation for drug dealing purposes (referred to as Cuckooing)",
         COUNTY_LINES.rstrip(), 4, 4, BOARD,
         "Districts and housing providers are working closely with the Police to share "
         "information."),
        ("Increased harms and overdoses with new dealers coming into the area supplying drugs "
         "with different purity levels and contaminates", COUNTY_LINES + "Drugs entering the "
         "county through county lines routes with different purity rates and contaminants are "
         "increasing risk levels.", 4, 5, BOARD,
         "Distribution of Take Home Naloxone (THN) through opportunistic contact with opiate "
         "users, family and friends."),
        ("Potential increase in the use of class A drugs in younger children",
         COUNTY_LINES.rstrip(), 2, 5, BOARD, ""),
        ("Increased levels of presenting complexities, increasing pressure and demand on "
         "services", COUNTY_LINES.rstrip(), 4, 3, BOARD, ""),
        ("Accommodation for homeless households being 'cuckooed'",
         "Housing issue A (5.3.2): with the increasing threat of County lines, accommodation "
         "that Districts use for homeless households are being 'cuckooed'. Vulnerable tenants "
         "are at risk of being exploited, losing their accommodation and becoming homeless.",
         4, 4, "District councils and housing providers",
         "Districts and housing providers are working closely with the Police to share "
         "information."),
        ("Homelessness on discharge from hospital and prison",
         "Housing issue B (5.3.2): shorter prison sentences and a pressure on hospital beds are "
         "increasing risks of homelessness.", 3, 4, BOARD,
         "Planning and communication with community services, so that vulnerable individuals "
         "are not leaving institutions without accommodation."),
    ],
}

RESPONSIBLE_AUTHORITIES = "Responsible Authorities"

# (title, request, directed to): the seed's "Assistance" sections, awaiting a response as at
# the report. Open is what the seed says, so they are not marked synthetic.
ASKS = {
    "cambridgeshire-peterborough": [
        ("Substance misuse training and a schools drugs/alcohol policy (5.1.5)",
         "To ensure that substance misuse training is incorporated across agencies into the "
         "workforce training calendar, with regular top ups; and for the strategic partnership "
         "to assist in creating a dialogue with secondary schools to develop a standardised "
         "drugs/alcohol policy response, so that pupils have early access to specialist "
         "treatment services and early intervention.",
         "Responsible Authorities and the strategic partnership"),
        ("Opportunistic distribution of Take Home Naloxone (5.2.5)",
         "Local research indicates that 60% of DRD's are of people not actively known to local "
         "treatment services: partners are urged to use opportunistic contact with opiate users "
         "(and family and friends) to distribute Take Home Naloxone (THN), undertake harm "
         "reduction interventions and facilitate engagement.",
         "Partners across agencies, particularly hospital Emergency Departments and custody "
         "suites"),
        ("Early intervention and multi-agency problem solving on housing (5.3.3)",
         "Support early intervention and a multi-agency problem solving approach (trailblazer) "
         "with regards to housing; and recognise the housing needs of those with substance "
         "misuse issues and other complex needs within the housing related support review.",
         "The wider partnership"),
        ("Support for the Work and Health programme (5.4.2)",
         "To request support from Responsible Authorities to help drive through the Work and "
         "Health programme which includes addressing and supporting substance misusers that "
         "have ETE related issues.", RESPONSIBLE_AUTHORITIES),
        ("Communicating criminal justice changes and driving the pathway review's actions "
         "(5.6.6)",
         "Key organisations are urged to communicate change and to consider impacts across the "
         "criminal justice system; following the stakeholder event, key authorities' support "
         "and commitment to drive through identified areas of action.",
         RESPONSIBLE_AUTHORITIES),
    ],
}
RAISED_ON = {"cambridgeshire-peterborough": date(2018, 10, 11)}


def _metric(partnership: Partnership, code: str) -> Metric:
    """The partnership's own local metric with this code, else the national one."""
    local = Metric.objects.filter(code=code, owner=partnership).first()
    return local or Metric.objects.get(code=code, owner=None)


def _mark_synthetic(milestone: Milestone) -> None:
    """Marks the milestone and the history row of its creation, adding no history row."""
    Milestone.objects.filter(pk=milestone.pk).update(status_is_synthetic=True)
    milestone.history.all().update(status_is_synthetic=True)
    milestone.status_is_synthetic = True


def _load_plan(partnership: Partnership, lead, spec: dict, objectives: list[Obj]) -> None:
    plan_fields = {k: v for k, v in spec.items() if k != "as_at"}
    plan = services.action_plan_save(partnership=partnership, user=lead, **plan_fields)
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    for obj in objectives:
        objective = services.objective_create(plan=plan, user=lead, title=obj.title,
                                              priority=obj.priority, strand=obj.strand)
        for act in obj.actions:
            action = services.key_action_create(
                objective=objective, user=lead, title=act.title, reference=act.reference,
                lead=lead, responsible_partners=[organisations[name] for name in act.partners],
            )
            for ms in act.milestones:
                milestone = services.milestone_create(
                    key_action=action, user=lead, title=ms.title, due_date=ms.due_date,
                    plan_year=ms.plan_year, status=ms.status, progress_note=ms.note,
                    progress_on=spec["as_at"] if ms.note else None, reason=REASON,
                    metrics=[_metric(partnership, code) for code in ms.metrics],
                )
                if ms.synthetic:
                    _mark_synthetic(milestone)


def _load(partnership: Partnership) -> None:
    slug = partnership.slug
    lead = get_user_model().objects.get(username=f"{slug}.lead")
    for name, sector in ORGANISATIONS.get(slug, []):
        Organisation.objects.get_or_create(partnership=partnership, name=name,
                                           defaults={"sector": sector})
    if not Objective.objects.filter(partnership=partnership).exists():
        _load_plan(partnership, lead, PLANS[slug], OBJECTIVES[slug])
    for title, description, likelihood, impact, owner, mitigation in RISKS.get(slug, []):
        if Risk.objects.filter(partnership=partnership, title=title).exists():
            continue
        services.risk_save(
            partnership=partnership, user=lead,
            # A new risk keeps the synthetic mark it is given (services._assign).
            risk=Risk(partnership=partnership, status_is_synthetic=True),
            title=title, description=description + ILLUSTRATIVE, likelihood=likelihood,
            impact=impact, owner=owner, mitigation=mitigation, status=Risk.Status.OPEN,
            raised_on=RAISED_ON[slug],
        )
    for title, request, directed_to in ASKS.get(slug, []):
        if Ask.objects.filter(partnership=partnership, title=title).exists():
            continue
        services.ask_save(partnership=partnership, user=lead, title=title, request=request,
                          directed_to=directed_to, raised_on=RAISED_ON[slug],
                          status=Ask.Status.OPEN)


def load_demo_plans() -> None:
    """Creates (or leaves as they are) the demo partnerships' plans, risks and asks."""
    for slug in PLANS:
        with transaction.atomic():
            _load(Partnership.objects.get(slug=slug))
    with transaction.atomic():
        _load_digest_demo(Partnership.objects.get(slug="rotherham"))


# --- Something for every section of a lead's weekly digest --------------------------------
# Rotherham's plan (the only signed-off one: drafts get no digest) ended on 31 March 2025, so
# its unfinished milestones are all overdue by now. These two are invented, dated from the
# day the demo is loaded, and marked illustrative: one due within 14 days and one without an
# update for 10 weeks, so that rotherham.lead's digest shows all three sections.
DIGEST_DEMO = [
    # (key action, milestone, due in days, status, progress note, its date in days ago)
    ("Communications and Engagement Strategy",
     "Communications and Engagement Strategy refreshed for the partnership's next plan",
     10, ON_TRACK, "Illustrative: draft circulated to partners for comment", 20),
    ("Independent Recovery Community in Rotherham",
     "Recovery Community's first annual report received by the partnership",
     150, ON_TRACK, "Illustrative: VAR gathering case studies from members", 70),
]


def _load_digest_demo(partnership: Partnership) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from .models import KeyAction

    lead = get_user_model().objects.get(username=f"{partnership.slug}.lead")
    today = timezone.localdate()
    for action_title, title, due_in, status, note, noted_ago in DIGEST_DEMO:
        action = KeyAction.objects.filter(partnership=partnership, title=action_title).first()
        if action is None or Milestone.objects.filter(key_action=action, title=title).exists():
            continue
        milestone = services.milestone_create(
            key_action=action, user=lead, title=title,
            due_date=today + timedelta(days=due_in), status=status, progress_note=note,
            progress_on=today - timedelta(days=noted_ago), reason=REASON)
        _mark_synthetic(milestone)

