"""York's demo plan (seed 003).

York sets its plan under the national priorities, with the police's 4P references in plan area
#1 and milestones by plan year in area #2.
"""

from __future__ import annotations

from datetime import date

from .builders import (
    AT_RISK,
    COMPLETE,
    NOT_STARTED,
    ON_TRACK,
    Act,
    Ms,
    Obj,
    P,
    S,
    Sector,
    SeedPlan,
    illustrative,
)

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

SEED = SeedPlan(
    slug="york",
    # Presented to scrutiny; no sign-off is stated, so it stays a draft.
    title="York Drug and Alcohol Partnership Local Plan of Action",
    first_year=2022, years=3,
    # Assumed: after January 2023's progress, before the roll-outs planned for March.
    as_at=date(2023, 2, 1),
    objectives=YORK_SUPPLY + YORK_TREATMENT + YORK_DEMAND,
    organisations=[(MIND, Sector.VOLUNTARY), (YORK_HOSPITAL, Sector.NHS),
                   (ADFAM, Sector.VOLUNTARY), (HMPPS, Sector.PRISON)],
)
