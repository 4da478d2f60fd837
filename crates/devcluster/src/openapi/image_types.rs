//! Schemas of image.openshift.io/v1: image streams, their tags, images and imports. The
//! structure (names, types, required fields, list merge keys) is openshift/api's image/v1
//! types as its generated OpenAPI publishes them; the descriptions are devcluster's own words.

use super::common_types::{
    API_VERSION, CONDITION_FIELDS, KIND, LOCAL_OBJECT_REFERENCE, METADATA, OBJECT_REFERENCE,
    RAW_EXTENSION, STATUS, TIME,
};
use super::schema::{field, field_with, Definition, Shape, Type};

macro_rules! image_type {
    ($name:literal) => {
        concat!("com.github.openshift.api.image.v1.", $name)
    };
}

const IMAGE: &str = image_type!("Image");
const IMAGE_STREAM: &str = image_type!("ImageStream");
const IMAGE_STREAM_SPEC: &str = image_type!("ImageStreamSpec");
const IMAGE_STREAM_STATUS: &str = image_type!("ImageStreamStatus");
const TAG_REFERENCE: &str = image_type!("TagReference");
const TAG_IMPORT_POLICY: &str = image_type!("TagImportPolicy");
const TAG_REFERENCE_POLICY: &str = image_type!("TagReferencePolicy");
const IMAGE_LOOKUP_POLICY: &str = image_type!("ImageLookupPolicy");
const NAMED_TAG_EVENT_LIST: &str = image_type!("NamedTagEventList");
const TAG_EVENT: &str = image_type!("TagEvent");
const TAG_EVENT_CONDITION: &str = image_type!("TagEventCondition");
const IMAGE_LAYER: &str = image_type!("ImageLayer");
const IMAGE_MANIFEST: &str = image_type!("ImageManifest");
const IMAGE_SIGNATURE: &str = image_type!("ImageSignature");
const SIGNATURE_CONDITION: &str = image_type!("SignatureCondition");
const SIGNATURE_ISSUER: &str = image_type!("SignatureIssuer");
const SIGNATURE_SUBJECT: &str = image_type!("SignatureSubject");
const IMPORT_SPEC: &str = image_type!("ImageStreamImportSpec");
const IMPORT_STATUS: &str = image_type!("ImageStreamImportStatus");
const IMAGE_IMPORT_SPEC: &str = image_type!("ImageImportSpec");
const IMAGE_IMPORT_STATUS: &str = image_type!("ImageImportStatus");
const REPOSITORY_IMPORT_SPEC: &str = image_type!("RepositoryImportSpec");
const REPOSITORY_IMPORT_STATUS: &str = image_type!("RepositoryImportStatus");

const MERGE_BY_NAME: &str =
    r#"{"x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}"#;
const MERGE_BY_TYPE: &str =
    r#"{"x-kubernetes-patch-merge-key": "type", "x-kubernetes-patch-strategy": "merge"}"#;

/// The fields an import of one image or of a repository shares.
macro_rules! import_source_fields {
    ($what:literal) => {
        [
            field("from", Type::Ref(OBJECT_REFERENCE), concat!("Where to import ", $what, " from: a DockerImage reference (registry/namespace/name[:tag]).")),
            field("importPolicy", Type::Ref(TAG_IMPORT_POLICY), "How to import: from an insecure registry, one architecture or every one."),
            field("includeManifest", Type::Bool, "When true, the image's manifest and configuration are returned with the result."),
            field("referencePolicy", Type::Ref(TAG_REFERENCE_POLICY), "How the imported tags are to be pulled: from their source, or through the integrated registry."),
        ]
    };
}

const REPOSITORY_SOURCE: [super::schema::Field; 4] = import_source_fields!("the repository's tags");
const IMAGE_SOURCE: [super::schema::Field; 4] = import_source_fields!("the image");

/// Every image.openshift.io/v1 definition.
pub(crate) const IMAGE_TYPES: &[Definition] = &[
    Definition {
        name: IMAGE_STREAM,
        description: "An image stream follows container images by tag. Each tag points at an image somewhere (an external registry, another stream's tag) and keeps the history of the images it has resolved to, so that builds and deployments can be told when a tag moves and can pin the exact image by digest.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            KIND,
            METADATA,
            field("spec", Type::Ref(IMAGE_STREAM_SPEC), "The tags the stream should have and where each one comes from."),
            field("status", Type::Ref(IMAGE_STREAM_STATUS), "What each tag has resolved to, newest first, as the server imported it. Written by the server."),
        ]),
    },
    Definition {
        name: IMAGE_STREAM_SPEC,
        description: "The wanted tags of an image stream.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("dockerImageRepository", Type::String, "Deprecated: a repository whose tags the stream once mirrored. Use tags with a DockerImage source instead."),
            field("lookupPolicy", Type::Ref(IMAGE_LOOKUP_POLICY), "Whether pods in the namespace may name the stream's tags as their image (name:tag), to be resolved to the tagged image."),
            field_with("tags", Type::Array(&Type::Ref(TAG_REFERENCE)), "The tags of the stream, each with the source it follows. Tags are merged by name.", MERGE_BY_NAME),
        ]),
    },
    Definition {
        name: IMAGE_STREAM_STATUS,
        description: "What an image stream's tags point at now, and where to pull them.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("dockerImageRepository", Type::String, "Where the stream's images can be pulled inside the cluster: the integrated registry's address followed by namespace/name."),
            field("publicDockerImageRepository", Type::String, "Where the stream's images can be pulled from outside the cluster, when the integrated registry is exposed."),
            field_with("tags", Type::Array(&Type::Ref(NAMED_TAG_EVENT_LIST)), "For each tag, the images it has pointed at, the current one first, and any problem importing it.", r#"{"x-kubernetes-patch-merge-key": "tag", "x-kubernetes-patch-strategy": "merge"}"#),
        ]),
    },
    Definition {
        name: TAG_REFERENCE,
        description: "One wanted tag of an image stream and the image it should point at.",
        required: &["name"],
        extensions: "",
        shape: Shape::Struct(&[
            field("annotations", Type::StringMap, "Notes about the tag, used by tools (a description, the kind of application the image runs)."),
            field("from", Type::Ref(OBJECT_REFERENCE), "The source of the tag: a DockerImage pull spec, another ImageStreamTag (name:tag, possibly in another namespace), or an ImageStreamImage (name@digest). Without it the tag is only filled by pushes."),
            field("generation", Type::Int64, "The stream generation at which this tag was last changed; the server compares it with the status to know what to import."),
            field("importPolicy", Type::Ref(TAG_IMPORT_POLICY), "How the tag's source is imported."),
            field("name", Type::String, "The name of the tag."),
            field("reference", Type::Bool, "When true, the tag only points at its source: the server does not import the image and the status records no history."),
            field("referencePolicy", Type::Ref(TAG_REFERENCE_POLICY), "How consumers are told to pull the tagged image."),
        ]),
    },
    Definition {
        name: TAG_IMPORT_POLICY,
        description: "How a tag's image is imported.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("importMode", Type::String, "Legacy imports one image (for a manifest list, the one of the cluster's architecture); PreserveOriginal keeps the manifest list and every image in it."),
            field("insecure", Type::Bool, "When true, the registry may be reached over plain HTTP or without checking its certificate."),
            field("scheduled", Type::Bool, "When true, the server imports the source again periodically, so the tag follows it when it moves."),
        ]),
    },
    Definition {
        name: TAG_REFERENCE_POLICY,
        description: "How the pull spec of a tagged image is written for its consumers.",
        required: &["type"],
        extensions: "",
        shape: Shape::Struct(&[field("type", Type::String, "Source: pull from where the image was imported. Local: pull through the integrated registry, which fetches the image from its source when needed.")]),
    },
    Definition {
        name: IMAGE_LOOKUP_POLICY,
        description: "Whether the stream's tags can be used as image names in the namespace.",
        required: &["local"],
        extensions: "",
        shape: Shape::Struct(&[field("local", Type::Bool, "When true, a pod or workload in the same namespace that names the stream's tag as its image gets the tagged image's pull spec instead.")]),
    },
    Definition {
        name: NAMED_TAG_EVENT_LIST,
        description: "The history of one tag.",
        required: &["tag", "items"],
        extensions: "",
        shape: Shape::Struct(&[
            field("conditions", Type::Array(&Type::Ref(TAG_EVENT_CONDITION)), "Problems with the tag, such as a failed import."),
            field("items", Type::Array(&Type::Ref(TAG_EVENT)), "The images the tag has pointed at, the current one first."),
            field("tag", Type::String, "The name of the tag."),
        ]),
    },
    Definition {
        name: TAG_EVENT,
        description: "One image a tag pointed at, and when.",
        required: &["created", "dockerImageReference", "image", "generation"],
        extensions: "",
        shape: Shape::Struct(&[
            field("created", Type::Ref(TIME), "When the tag started pointing at this image."),
            field("dockerImageReference", Type::String, "The pull spec of the image, by digest."),
            field("generation", Type::Int64, "The spec generation of the tag this event answers."),
            field("image", Type::String, "The name of the image: its digest."),
        ]),
    },
    Definition {
        name: TAG_EVENT_CONDITION,
        description: "A problem with a tag.",
        required: &["type", "status", "generation"],
        extensions: "",
        shape: Shape::Struct(&[
            field("generation", Type::Int64, "The spec generation of the tag when this was observed."),
            CONDITION_FIELDS[0],
            field("message", Type::String, "What went wrong, for people."),
            field("reason", Type::String, "A word for what went wrong (NotFound, Unauthorized…)."),
            CONDITION_FIELDS[3],
            field("type", Type::String, "What kind of problem: ImportSuccess is the only one today."),
        ]),
    },
    Definition {
        name: IMAGE,
        description: "An image known to the cluster, named by its digest, with what its manifest and configuration say. Images are cluster-scoped and shared by every stream that tags them.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("dockerImageConfig", Type::String, "The image's configuration document, when the manifest has one."),
            field("dockerImageLayers", Type::Array(&Type::Ref(IMAGE_LAYER)), "The layers of the image, base first."),
            field("dockerImageManifest", Type::String, "The raw manifest of the image."),
            field("dockerImageManifestMediaType", Type::String, "The media type of the manifest (a Docker schema 2 manifest, an OCI manifest or index…)."),
            field("dockerImageManifests", Type::Array(&Type::Ref(IMAGE_MANIFEST)), "For a manifest list, the images it lists, one per platform."),
            field_with("dockerImageMetadata", Type::Ref(RAW_EXTENSION), "What the image's configuration says: architecture, environment, command, labels, size.", r#"{"x-kubernetes-patch-strategy": "replace"}"#),
            field("dockerImageMetadataVersion", Type::String, "The version of the dockerImageMetadata object (1.0)."),
            field("dockerImageReference", Type::String, "Where the image can be pulled, by digest."),
            field("dockerImageSignatures", Type::Array(&Type::Bytes), "Signatures of the image in the older, opaque form."),
            KIND,
            METADATA,
            field_with("signatures", Type::Array(&Type::Ref(IMAGE_SIGNATURE)), "The image's signatures.", MERGE_BY_NAME),
        ]),
    },
    Definition {
        name: IMAGE_LAYER,
        description: "One layer of an image.",
        required: &["name", "size", "mediaType"],
        extensions: "",
        shape: Shape::Struct(&[
            field("mediaType", Type::String, "The media type of the layer blob."),
            field("name", Type::String, "The digest of the layer blob."),
            field("size", Type::Int64, "The size of the layer blob in bytes."),
        ]),
    },
    Definition {
        name: IMAGE_MANIFEST,
        description: "One image of a manifest list.",
        required: &["digest", "mediaType", "manifestSize", "architecture", "os"],
        extensions: "",
        shape: Shape::Struct(&[
            field("architecture", Type::String, "The CPU architecture the image runs on."),
            field("digest", Type::String, "The digest of the image's manifest."),
            field("manifestSize", Type::Int64, "The size of the manifest in bytes."),
            field("mediaType", Type::String, "The media type of the manifest."),
            field("os", Type::String, "The operating system the image runs on."),
            field("variant", Type::String, "The variant of the architecture, such as v8 for arm64."),
        ]),
    },
    Definition {
        name: IMAGE_SIGNATURE,
        description: "A signature of an image and what checking it found.",
        required: &["type", "content"],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field_with("conditions", Type::Array(&Type::Ref(SIGNATURE_CONDITION)), "What checking the signature found.", MERGE_BY_TYPE),
            field("content", Type::Bytes, "The signature itself, in the format its type names."),
            field("created", Type::Ref(TIME), "When the signature was made."),
            field("imageIdentity", Type::String, "The image the signature vouches for, as the signer named it."),
            field("issuedBy", Type::Ref(SIGNATURE_ISSUER), "Who made the signature."),
            field("issuedTo", Type::Ref(SIGNATURE_SUBJECT), "Whose key made the signature."),
            KIND,
            METADATA,
            field("signedClaims", Type::StringMap, "The claims the signature contains."),
            field("type", Type::String, "The format of the signature (atomic, for example)."),
        ]),
    },
    Definition {
        name: SIGNATURE_CONDITION,
        description: "One finding about a signature.",
        required: &["type", "status"],
        extensions: "",
        shape: Shape::Struct(&[
            field("lastProbeTime", Type::Ref(TIME), "When the signature was last checked."),
            CONDITION_FIELDS[0],
            CONDITION_FIELDS[1],
            CONDITION_FIELDS[2],
            CONDITION_FIELDS[3],
            field("type", Type::String, "What was checked."),
        ]),
    },
    Definition {
        name: SIGNATURE_ISSUER,
        description: "Who issued a signature.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("commonName", Type::String, "The issuer's common name."),
            field("organization", Type::String, "The issuer's organization."),
        ]),
    },
    Definition {
        name: SIGNATURE_SUBJECT,
        description: "The key holder a signature belongs to.",
        required: &["publicKeyID"],
        extensions: "",
        shape: Shape::Struct(&[
            field("commonName", Type::String, "The holder's common name."),
            field("organization", Type::String, "The holder's organization."),
            field("publicKeyID", Type::String, "The fingerprint of the public key."),
        ]),
    },
    Definition {
        name: image_type!("ImageStreamTag"),
        description: "One tag of an image stream, read and written on its own (name:tag): the tag's spec, the image it points at now, and its conditions.",
        required: &["tag", "generation", "lookupPolicy", "image"],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("conditions", Type::Array(&Type::Ref(TAG_EVENT_CONDITION)), "Problems with the tag, such as a failed import."),
            field("generation", Type::Int64, "The generation of the tag's current image."),
            field("image", Type::Ref(IMAGE), "The image the tag points at now."),
            KIND,
            field("lookupPolicy", Type::Ref(IMAGE_LOOKUP_POLICY), "The lookup policy of the tag's stream."),
            METADATA,
            field("tag", Type::Ref(TAG_REFERENCE), "The tag as the stream's spec has it; empty for a tag only filled by pushes."),
        ]),
    },
    Definition {
        name: image_type!("ImageStreamImage"),
        description: "An image of an image stream's history, named name@digest.",
        required: &["image"],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            field("image", Type::Ref(IMAGE), "The image."),
            KIND,
            METADATA,
        ]),
    },
    Definition {
        name: image_type!("ImageStreamImport"),
        description: "Asks the server to look images up in their registries and, when import is true, to tag them into the stream named like this object. The answer says what was found for each.",
        required: &["spec", "status"],
        extensions: "",
        shape: Shape::Struct(&[
            API_VERSION,
            KIND,
            METADATA,
            field("spec", Type::Ref(IMPORT_SPEC), "The images or the repository to import."),
            field("status", Type::Ref(IMPORT_STATUS), "What the server found; filled in the answer."),
        ]),
    },
    Definition {
        name: IMPORT_SPEC,
        description: "What to import.",
        required: &["import"],
        extensions: "",
        shape: Shape::Struct(&[
            field("images", Type::Array(&Type::Ref(IMAGE_IMPORT_SPEC)), "Single images to look up, each with the tag it goes to."),
            field("import", Type::Bool, "When true, the found images are tagged into the stream; when false, they are only looked up."),
            field("repository", Type::Ref(REPOSITORY_IMPORT_SPEC), "A whole repository whose tags are all looked up."),
        ]),
    },
    Definition {
        name: IMPORT_STATUS,
        description: "What an import found.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("images", Type::Array(&Type::Ref(IMAGE_IMPORT_STATUS)), "One result per requested image, in the order of spec.images."),
            field("import", Type::Ref(IMAGE_STREAM), "The stream as it is after the import, when import was true."),
            field("repository", Type::Ref(REPOSITORY_IMPORT_STATUS), "The result of the repository import."),
        ]),
    },
    Definition {
        name: IMAGE_IMPORT_SPEC,
        description: "One image to import.",
        required: &["from"],
        extensions: "",
        shape: Shape::Struct(&[
            IMAGE_SOURCE[0],
            IMAGE_SOURCE[1],
            IMAGE_SOURCE[2],
            IMAGE_SOURCE[3],
            field("to", Type::Ref(LOCAL_OBJECT_REFERENCE), "The tag of the stream the image goes to; without it, the tag of the source."),
        ]),
    },
    Definition {
        name: IMAGE_IMPORT_STATUS,
        description: "What was found for one image.",
        required: &["status"],
        extensions: "",
        shape: Shape::Struct(&[
            field("image", Type::Ref(IMAGE), "The image found, when the look-up succeeded."),
            field("manifests", Type::Array(&Type::Ref(IMAGE)), "For a manifest list imported whole, its images."),
            field("status", Type::Ref(STATUS), "Whether the look-up succeeded and, if not, why."),
            field("tag", Type::String, "The tag the image went to."),
        ]),
    },
    Definition {
        name: REPOSITORY_IMPORT_SPEC,
        description: "A repository to import.",
        required: &["from"],
        extensions: "",
        shape: Shape::Struct(&REPOSITORY_SOURCE),
    },
    Definition {
        name: REPOSITORY_IMPORT_STATUS,
        description: "What was found in a repository.",
        required: &[],
        extensions: "",
        shape: Shape::Struct(&[
            field("additionalTags", Type::Array(&Type::String), "Tags of the repository that were not imported, over the import limit."),
            field("images", Type::Array(&Type::Ref(IMAGE_IMPORT_STATUS)), "One result per imported tag."),
            field("status", Type::Ref(STATUS), "Whether the repository could be read and, if not, why."),
        ]),
    },
];
