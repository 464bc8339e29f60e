//! The Behaviour Change Wheel as data: the BCT Taxonomy v1, the COM-B components and the
//! intervention functions that serve each of them.
//!
//! Sources:
//! * BCT Taxonomy v1: Michie S, Richardson M, Johnston M, et al. "The Behavior Change Technique
//!   Taxonomy (v1) of 93 Hierarchically Clustered Techniques". *Annals of Behavioral Medicine*
//!   46(1), 2013, 81–95. Codes, labels and groups as published there; the same labels are kept
//!   in the Human Behaviour-Change Project's ontology files (CC BY 4.0).
//! * COM-B and the intervention functions: Michie S, van Stralen MM, West R. "The behaviour
//!   change wheel: a new method for characterising and designing behaviour change
//!   interventions". *Implementation Science* 6:42, 2011 (Table 2, the links between COM-B
//!   components and intervention functions; also in Michie, Atkins & West, *The Behaviour
//!   Change Wheel: A Guide to Designing Interventions*, 2014).

use serde::Serialize;

use crate::lang::Lang;

/// The three COM-B factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Factor {
    /// Capaciteit: knowledge and skills.
    Capability,
    /// Motivatie: wanting to.
    Motivation,
    /// Omgeving: physical and social opportunity.
    Environment,
}

impl Factor {
    /// All factors in COM-B order.
    pub const ALL: [Factor; 3] = [Factor::Capability, Factor::Motivation, Factor::Environment];

    /// The canonical (English) id.
    pub fn id(self) -> &'static str {
        match self {
            Factor::Capability => "capability",
            Factor::Motivation => "motivation",
            Factor::Environment => "environment",
        }
    }

    /// The label in the kit's language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Factor::Capability, Lang::Nl) => "Capaciteit",
            (Factor::Motivation, Lang::Nl) => "Motivatie",
            (Factor::Environment, Lang::Nl) => "Omgeving",
            (Factor::Capability, Lang::En) => "Capability",
            (Factor::Motivation, Lang::En) => "Motivation",
            (Factor::Environment, Lang::En) => "Environment",
        }
    }

    /// Parses a factor name, English or Dutch.
    pub fn parse(s: &str) -> Option<Factor> {
        match s {
            "capability" | "capaciteit" => Some(Factor::Capability),
            "motivation" | "motivatie" => Some(Factor::Motivation),
            "environment" | "omgeving" | "opportunity" => Some(Factor::Environment),
            _ => None,
        }
    }

    /// Every accepted spelling.
    pub const NAMES: [&'static str; 7] = [
        "capability",
        "motivation",
        "environment",
        "capaciteit",
        "motivatie",
        "omgeving",
        "opportunity",
    ];
}

/// One technique of the BCT Taxonomy v1.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bct {
    /// "1.4".
    pub code: &'static str,
    /// The official label: "Action planning".
    pub label: &'static str,
    /// Its group (1 to 16).
    pub group: u8,
}

/// The 16 groups of the taxonomy, in order.
pub const GROUPS: [&str; 16] = [
    "Goals and planning",
    "Feedback and monitoring",
    "Social support",
    "Shaping knowledge",
    "Natural consequences",
    "Comparison of behaviour",
    "Associations",
    "Repetition and substitution",
    "Comparison of outcomes",
    "Reward and threat",
    "Regulation",
    "Antecedents",
    "Identity",
    "Scheduled consequences",
    "Self-belief",
    "Covert learning",
];

const fn b(code: &'static str, label: &'static str, group: u8) -> Bct {
    Bct { code, label, group }
}

/// All 93 techniques of the BCT Taxonomy v1, in taxonomy order.
pub const TAXONOMY: [Bct; 93] = [
    b("1.1", "Goal setting (behavior)", 1),
    b("1.2", "Problem solving", 1),
    b("1.3", "Goal setting (outcome)", 1),
    b("1.4", "Action planning", 1),
    b("1.5", "Review behavior goal(s)", 1),
    b("1.6", "Discrepancy between current behavior and goal", 1),
    b("1.7", "Review outcome goal(s)", 1),
    b("1.8", "Behavioral contract", 1),
    b("1.9", "Commitment", 1),
    b(
        "2.1",
        "Monitoring of behavior by others without feedback",
        2,
    ),
    b("2.2", "Feedback on behavior", 2),
    b("2.3", "Self-monitoring of behavior", 2),
    b("2.4", "Self-monitoring of outcome(s) of behavior", 2),
    b(
        "2.5",
        "Monitoring of outcome(s) of behavior without feedback",
        2,
    ),
    b("2.6", "Biofeedback", 2),
    b("2.7", "Feedback on outcome(s) of behavior", 2),
    b("3.1", "Social support (unspecified)", 3),
    b("3.2", "Social support (practical)", 3),
    b("3.3", "Social support (emotional)", 3),
    b("4.1", "Instruction on how to perform the behavior", 4),
    b("4.2", "Information about antecedents", 4),
    b("4.3", "Re-attribution", 4),
    b("4.4", "Behavioral experiments", 4),
    b("5.1", "Information about health consequences", 5),
    b("5.2", "Salience of consequences", 5),
    b(
        "5.3",
        "Information about social and environmental consequences",
        5,
    ),
    b("5.4", "Monitoring of emotional consequences", 5),
    b("5.5", "Anticipated regret", 5),
    b("5.6", "Information about emotional consequences", 5),
    b("6.1", "Demonstration of the behavior", 6),
    b("6.2", "Social comparison", 6),
    b("6.3", "Information about others' approval", 6),
    b("7.1", "Prompts/cues", 7),
    b("7.2", "Cue signalling reward", 7),
    b("7.3", "Reduce prompts/cues", 7),
    b("7.4", "Remove access to the reward", 7),
    b("7.5", "Remove aversive stimulus", 7),
    b("7.6", "Satiation", 7),
    b("7.7", "Exposure", 7),
    b("7.8", "Associative learning", 7),
    b("8.1", "Behavioral practice/rehearsal", 8),
    b("8.2", "Behavior substitution", 8),
    b("8.3", "Habit formation", 8),
    b("8.4", "Habit reversal", 8),
    b("8.5", "Overcorrection", 8),
    b("8.6", "Generalisation of target behavior", 8),
    b("8.7", "Graded tasks", 8),
    b("9.1", "Credible source", 9),
    b("9.2", "Pros and cons", 9),
    b("9.3", "Comparative imagining of future outcomes", 9),
    b("10.1", "Material incentive (behavior)", 10),
    b("10.2", "Material reward (behavior)", 10),
    b("10.3", "Non-specific reward", 10),
    b("10.4", "Social reward", 10),
    b("10.5", "Social incentive", 10),
    b("10.6", "Non-specific incentive", 10),
    b("10.7", "Self-incentive", 10),
    b("10.8", "Incentive (outcome)", 10),
    b("10.9", "Self-reward", 10),
    b("10.10", "Reward (outcome)", 10),
    b("10.11", "Future punishment", 10),
    b("11.1", "Pharmacological support", 11),
    b("11.2", "Reduce negative emotions", 11),
    b("11.3", "Conserving mental resources", 11),
    b("11.4", "Paradoxical instructions", 11),
    b("12.1", "Restructuring the physical environment", 12),
    b("12.2", "Restructuring the social environment", 12),
    b(
        "12.3",
        "Avoidance/reducing exposure to cues for the behavior",
        12,
    ),
    b("12.4", "Distraction", 12),
    b("12.5", "Adding objects to the environment", 12),
    b("12.6", "Body changes", 12),
    b("13.1", "Identification of self as role model", 13),
    b("13.2", "Framing/reframing", 13),
    b("13.3", "Incompatible beliefs", 13),
    b("13.4", "Valued self-identity", 13),
    b("13.5", "Identity associated with changed behavior", 13),
    b("14.1", "Behavior cost", 14),
    b("14.2", "Punishment", 14),
    b("14.3", "Remove reward", 14),
    b("14.4", "Reward approximation", 14),
    b("14.5", "Rewarding completion", 14),
    b("14.6", "Situation-specific reward", 14),
    b("14.7", "Reward incompatible behavior", 14),
    b("14.8", "Reward alternative behavior", 14),
    b("14.9", "Reduce reward frequency", 14),
    b("14.10", "Remove punishment", 14),
    b("15.1", "Verbal persuasion about capability", 15),
    b("15.2", "Mental rehearsal of successful performance", 15),
    b("15.3", "Focus on past success", 15),
    b("15.4", "Self-talk", 15),
    b("16.1", "Imaginary punishment", 16),
    b("16.2", "Imaginary reward", 16),
    b("16.3", "Vicarious consequences", 16),
];

/// The technique with this code.
pub fn bct(code: &str) -> Option<&'static Bct> {
    TAXONOMY.iter().find(|b| b.code == code)
}

/// The valid code nearest to an unknown one: the last of its group when the group exists but
/// the number is too high ("1.12" → "1.9"), otherwise the closest by spelling.
pub fn nearest_code(code: &str) -> Option<&'static Bct> {
    if let Some((group, _)) = code.split_once('.') {
        if let Ok(g) = group.trim().parse::<u8>() {
            if let Some(last) = TAXONOMY.iter().rev().find(|b| b.group == g) {
                return Some(last);
            }
        }
    }
    TAXONOMY
        .iter()
        .min_by_key(|b| strsim::osa_distance(b.code, code))
}

/// The six COM-B components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    /// C-ph: physical capability.
    PhysicalCapability,
    /// C-ps: psychological capability.
    PsychologicalCapability,
    /// O-ph: physical opportunity.
    PhysicalOpportunity,
    /// O-so: social opportunity.
    SocialOpportunity,
    /// M-r: reflective motivation.
    ReflectiveMotivation,
    /// M-a: automatic motivation.
    AutomaticMotivation,
}

impl Component {
    /// All components in COM-B order.
    pub const ALL: [Component; 6] = [
        Component::PhysicalCapability,
        Component::PsychologicalCapability,
        Component::PhysicalOpportunity,
        Component::SocialOpportunity,
        Component::ReflectiveMotivation,
        Component::AutomaticMotivation,
    ];

    /// The component a kit names with `component = "…"` within a factor (English or Dutch).
    pub fn parse(factor: Factor, s: &str) -> Result<Component, &'static [&'static str]> {
        use Component::*;
        let s = s.to_lowercase();
        match (factor, s.as_str()) {
            (Factor::Capability, "physical" | "fysiek") => Ok(PhysicalCapability),
            (Factor::Capability, "psychological" | "psychologisch") => Ok(PsychologicalCapability),
            (Factor::Environment, "physical" | "fysiek") => Ok(PhysicalOpportunity),
            (Factor::Environment, "social" | "sociaal") => Ok(SocialOpportunity),
            (Factor::Motivation, "reflective" | "reflectief") => Ok(ReflectiveMotivation),
            (Factor::Motivation, "automatic" | "automatisch") => Ok(AutomaticMotivation),
            (f, _) => Err(Self::names(f, crate::tr::lang())),
        }
    }

    /// The names a kit may give the components of `factor`, in `lang`.
    pub fn names(factor: Factor, lang: Lang) -> &'static [&'static str] {
        match (factor, lang) {
            (Factor::Capability, Lang::En) => &["physical", "psychological"],
            (Factor::Environment, Lang::En) => &["physical", "social"],
            (Factor::Motivation, Lang::En) => &["reflective", "automatic"],
            (Factor::Capability, Lang::Nl) => &["fysiek", "psychologisch"],
            (Factor::Environment, Lang::Nl) => &["fysiek", "sociaal"],
            (Factor::Motivation, Lang::Nl) => &["reflectief", "automatisch"],
        }
    }

    /// The short code used in the literature: C-ph, C-ps, O-ph, O-so, M-r, M-a.
    pub fn code(self) -> &'static str {
        match self {
            Component::PhysicalCapability => "C-ph",
            Component::PsychologicalCapability => "C-ps",
            Component::PhysicalOpportunity => "O-ph",
            Component::SocialOpportunity => "O-so",
            Component::ReflectiveMotivation => "M-r",
            Component::AutomaticMotivation => "M-a",
        }
    }

    /// The factor it belongs to.
    pub fn factor(self) -> Factor {
        match self {
            Component::PhysicalCapability | Component::PsychologicalCapability => {
                Factor::Capability
            }
            Component::PhysicalOpportunity | Component::SocialOpportunity => Factor::Environment,
            Component::ReflectiveMotivation | Component::AutomaticMotivation => Factor::Motivation,
        }
    }

    /// The label in the kit's language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Component::PhysicalCapability, Lang::En) => "Physical capability",
            (Component::PsychologicalCapability, Lang::En) => "Psychological capability",
            (Component::PhysicalOpportunity, Lang::En) => "Physical opportunity",
            (Component::SocialOpportunity, Lang::En) => "Social opportunity",
            (Component::ReflectiveMotivation, Lang::En) => "Reflective motivation",
            (Component::AutomaticMotivation, Lang::En) => "Automatic motivation",
            (Component::PhysicalCapability, Lang::Nl) => "Fysieke capaciteit",
            (Component::PsychologicalCapability, Lang::Nl) => "Psychologische capaciteit",
            (Component::PhysicalOpportunity, Lang::Nl) => "Fysieke omgeving",
            (Component::SocialOpportunity, Lang::Nl) => "Sociale omgeving",
            (Component::ReflectiveMotivation, Lang::Nl) => "Reflectieve motivatie",
            (Component::AutomaticMotivation, Lang::Nl) => "Automatische motivatie",
        }
    }

    /// The intervention functions that can change this component (the COM-B → intervention
    /// function links of the Behaviour Change Wheel).
    pub fn functions(self) -> &'static [Function] {
        use Function::*;
        match self {
            Component::PhysicalCapability => &[Training],
            Component::PsychologicalCapability => &[Education, Training, Enablement],
            Component::PhysicalOpportunity => &[
                Training,
                Restriction,
                EnvironmentalRestructuring,
                Enablement,
            ],
            Component::SocialOpportunity => &[
                Restriction,
                EnvironmentalRestructuring,
                Modelling,
                Enablement,
            ],
            Component::ReflectiveMotivation => &[Education, Persuasion, Incentivisation, Coercion],
            Component::AutomaticMotivation => &[
                Persuasion,
                Incentivisation,
                Coercion,
                Training,
                EnvironmentalRestructuring,
                Modelling,
                Enablement,
            ],
        }
    }
}

/// The nine intervention functions of the Behaviour Change Wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    /// Increasing knowledge or understanding.
    Education,
    /// Using communication to induce feelings or stimulate action.
    Persuasion,
    /// Creating an expectation of reward.
    Incentivisation,
    /// Creating an expectation of punishment or cost.
    Coercion,
    /// Imparting skills.
    Training,
    /// Using rules to reduce the opportunity to engage in the behaviour.
    Restriction,
    /// Changing the physical or social context.
    EnvironmentalRestructuring,
    /// Providing an example for people to aspire to or imitate.
    Modelling,
    /// Increasing means or reducing barriers to increase capability or opportunity.
    Enablement,
}

impl Function {
    /// All functions in the order of the wheel.
    pub const ALL: [Function; 9] = [
        Function::Education,
        Function::Persuasion,
        Function::Incentivisation,
        Function::Coercion,
        Function::Training,
        Function::Restriction,
        Function::EnvironmentalRestructuring,
        Function::Modelling,
        Function::Enablement,
    ];

    /// Every accepted spelling, English first.
    pub const NAMES: [&'static str; 18] = [
        "education",
        "persuasion",
        "incentivisation",
        "coercion",
        "training",
        "restriction",
        "environmental-restructuring",
        "modelling",
        "enablement",
        "educatie",
        "overtuigen",
        "stimuleren",
        "dwang",
        "training",
        "beperking",
        "omgeving-inrichten",
        "voorbeeld",
        "mogelijk-maken",
    ];

    /// Parses a function name, English or Dutch.
    pub fn parse(s: &str) -> Option<Function> {
        let i = Self::NAMES.iter().position(|n| *n == s.to_lowercase())?;
        Some(Self::ALL[i % 9])
    }

    /// The id in the kit format.
    pub fn id(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The name a kit in `lang` writes (`mogelijk-maken` for Dutch kits).
    pub fn kit_name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => Self::NAMES[self as usize],
            Lang::Nl => Self::NAMES[9 + self as usize],
        }
    }

    /// The label in the kit's language.
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, nl) = match self {
            Function::Education => ("Education", "Educatie"),
            Function::Persuasion => ("Persuasion", "Overtuigen"),
            Function::Incentivisation => ("Incentivisation", "Stimuleren"),
            Function::Coercion => ("Coercion", "Dwang"),
            Function::Training => ("Training", "Training"),
            Function::Restriction => ("Restriction", "Beperking"),
            Function::EnvironmentalRestructuring => {
                ("Environmental restructuring", "Omgeving inrichten")
            }
            Function::Modelling => ("Modelling", "Voorbeeld geven"),
            Function::Enablement => ("Enablement", "Mogelijk maken"),
        };
        match lang {
            Lang::En => en,
            Lang::Nl => nl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taxonomy_has_93_techniques_in_16_groups_in_order() {
        assert_eq!(TAXONOMY.len(), 93);
        let per_group: Vec<usize> = (1..=16)
            .map(|g| TAXONOMY.iter().filter(|b| b.group == g).count())
            .collect();
        assert_eq!(
            per_group,
            [9, 7, 3, 4, 6, 3, 8, 7, 3, 11, 4, 6, 5, 10, 4, 3]
        );
        for (i, b) in TAXONOMY.iter().enumerate() {
            let (g, n) = b.code.split_once('.').unwrap();
            assert_eq!(g.parse::<u8>().unwrap(), b.group, "{}", b.code);
            let first = TAXONOMY.iter().position(|x| x.group == b.group).unwrap();
            assert_eq!(n.parse::<usize>().unwrap(), i - first + 1, "{}", b.code);
        }
        assert_eq!(bct("1.4").unwrap().label, "Action planning");
        assert_eq!(bct("16.3").unwrap().label, "Vicarious consequences");
    }

    #[test]
    fn nearest_codes() {
        assert_eq!(nearest_code("1.12").unwrap().code, "1.9");
        assert_eq!(nearest_code("17.2").unwrap().code, "1.2");
        assert_eq!(nearest_code("14.11").unwrap().code, "14.10");
    }

    #[test]
    fn components_belong_to_their_factor_and_functions_parse_both_languages() {
        for c in Component::ALL {
            let id = match c {
                Component::PhysicalCapability | Component::PhysicalOpportunity => "physical",
                Component::PsychologicalCapability => "psychological",
                Component::SocialOpportunity => "social",
                Component::ReflectiveMotivation => "reflective",
                Component::AutomaticMotivation => "automatic",
            };
            assert_eq!(Component::parse(c.factor(), id), Ok(c));
            assert!(!c.functions().is_empty());
        }
        assert!(Component::parse(Factor::Motivation, "social").is_err());
        assert_eq!(
            Function::parse("omgeving-inrichten"),
            Some(Function::EnvironmentalRestructuring)
        );
        assert_eq!(Function::parse("Enablement"), Some(Function::Enablement));
        for f in Function::ALL {
            assert_eq!(Function::parse(f.id()), Some(f));
        }
    }
}
